// members.ts: what names are bound to — @property members, compiled regexes under any name,
// Django's user model — resolved through the project's modules without running anything.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getPythonParser } from '../../src/python/parser.js';
import { PythonProject } from '../../src/python/project.js';
import type { PyModule } from '../../src/python/module.js';
import type { PyNode } from '../../src/python/parser.js';
import { field, walk } from '../../src/python/ast.js';
import { classMember, isCompiledRegex, isUserModel, memberValues, queryModelExpr } from '../../src/python/members.js';
import type { DiscoveredFile } from '../../src/scan/discover.js';

async function projectOf(t: { after(fn: () => void): void }, files: Record<string, string>): Promise<PythonProject> {
  const root = mkdtempSync(join(tmpdir(), 'mtls-audit-members-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const list: DiscoveredFile[] = Object.entries(files).map(([p, src]) => {
    const abs = join(root, p);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, src);
    return { path: p, abs, size: -1, kind: 'python' };
  });
  return new PythonProject(await getPythonParser(), list, []);
}

/** The receiver of the first call `<recv>.<method>(...)` in the function. */
function receiverOf(mod: PyModule, fnName: string, method: string): PyNode {
  const fn = mod.allFunctions.find((f) => f.name === fnName)!;
  let found: PyNode | null = null;
  walk(fn.body, (n) => {
    if (found || n.type !== 'call') return !found;
    const f = field(n, 'function');
    if (f?.type === 'attribute' && mod.text(field(f, 'attribute')!) === method) found = field(f, 'object');
    return !found;
  });
  assert.ok(found, `${fnName}: no .${method}() call`);
  return found;
}

test('classMember: a @property is a member like a class attribute; the later definition wins; bases are searched; plain methods are not values', async (t) => {
  const project = await projectOf(t, {
    'app/base.py': 'class Base:\n    header = "HTTP_X_BASE"\n',
    'app/mw.py': [
      'from functools import cached_property',
      'from .base import Base',
      'class A(Base):',
      '    @property',
      '    def header(self):',
      '        if self.x:',
      '            return "HTTP_X_ONE"',
      '        return "HTTP_X_TWO"',
      'class B(Base):',
      '    pass',
      'class C(Base):',
      '    @cached_property',
      '    def header(self):',
      '        return "HTTP_X_C"',
      '    header = "HTTP_X_LATER"',
      'class D(Base):',
      '    def header(self):',
      '        return "HTTP_X_D"',
      '',
    ].join('\n'),
  });
  const mod = project.moduleByName('app.mw')!;
  const cls = (n: string) => mod.classes.get(n)!;
  const a = classMember(project, cls('A'), 'header')!;
  assert.equal(a.kind, 'property');
  assert.deepEqual(
    memberValues(a).map((v) => mod.text(v)),
    ['"HTTP_X_ONE"', '"HTTP_X_TWO"'],
  );
  const b = classMember(project, cls('B'), 'header')!;
  assert.equal(b.kind, 'attr');
  assert.equal(b.cls.name, 'Base');
  const c = classMember(project, cls('C'), 'header')!;
  assert.equal(c.kind, 'attr', 'the assignment after the property replaces it');
  assert.equal(mod.text(memberValues(c)[0]), '"HTTP_X_LATER"');
  assert.equal(classMember(project, cls('D'), 'header'), null, 'a method is not a value');
});

test('isCompiledRegex: re.compile bound to any name — module constant, imported constant, class attribute, local; other values are not', async (t) => {
  const project = await projectOf(t, {
    'app/patterns.py': 'import re\nMEMBER = re.compile(r"CN=(\\w+)")\nPLAIN = "CN="\n',
    'app/use.py': [
      'import re',
      'from re import compile as rx',
      'from .patterns import MEMBER, PLAIN',
      'ROLE = rx(r"OU=(\\w+)")',
      'class K:',
      '    desk = re.compile(r"desk-(\\d+)")',
      '    def a(self, s):',
      '        return MEMBER.search(s)',
      '    def b(self, s):',
      '        return ROLE.match(s)',
      '    def c(self, s):',
      '        return self.desk.fullmatch(s)',
      '    def d(self, s):',
      '        local = re.compile("x")',
      '        return local.search(s)',
      '    def e(self, s):',
      '        return PLAIN.find(s)',
      '    def f(self, matcher, s):',
      '        return matcher.search(s)',
      '',
    ].join('\n'),
  });
  const mod = project.moduleByName('app.use')!;
  const k = mod.classes.get('K')!;
  const check = (fn: string, method: string) => isCompiledRegex(project, receiverOf(mod, fn, method), mod, k, k.methods.get(fn)!);
  assert.equal(check('a', 'search'), true, 'imported module constant');
  assert.equal(check('b', 'match'), true, '`from re import compile as rx`');
  assert.equal(check('c', 'fullmatch'), true, 'class attribute through self');
  assert.equal(check('d', 'search'), true, 'local variable');
  assert.equal(check('e', 'find'), false, 'a string constant');
  assert.equal(check('f', 'search'), false, 'a parameter: unknown');
});

test('isUserModel: get_user_model(), names bound to it, auth.User, AbstractUser subclasses, AUTH_USER_MODEL; other models and related managers are not', async (t) => {
  const project = await projectOf(t, {
    'people/models.py': ['from django.contrib.auth.models import AbstractUser', 'from django.db import models', 'class Member(AbstractUser):', '    pass', 'class Badge(models.Model):', '    pass', ''].join('\n'),
    'people/backends.py': [
      'from django.apps import apps',
      'from django.conf import settings',
      'from django.contrib.auth import get_user_model',
      'from django.contrib.auth.models import User',
      'from .models import Member, Badge',
      'from devices.models import Reading, Operator',
      'Account = get_user_model()',
      'class B:',
      '    model = apps.get_model(settings.AUTH_USER_MODEL)',
      '    def m1(self, cn):',
      '        return get_user_model().objects.get_or_create(username=cn)',
      '    def m2(self, cn):',
      '        return Account._default_manager.create(username=cn)',
      '    def m3(self, cn):',
      '        return User.objects.filter(is_active=True).update_or_create(username=cn)',
      '    def m4(self, cn):',
      '        return Member.objects.get_or_create(username=cn)',
      '    def m5(self, cn):',
      '        return self.model.objects.get_or_create(username=cn)',
      '    def m6(self, cn):',
      '        return Badge.objects.get_or_create(cn=cn)',
      '    def m7(self, cn):',
      '        return Reading.objects.get_or_create(cn=cn)',
      '    def m8(self, cn):',
      '        owner = Account.objects.get(username=cn)',
      '        return owner.badges.create(cn=cn)',
      '    def m9(self, cn):',
      '        return Operator.objects.get_or_create(cn=cn)',
      '    def m10(self, cn):',
      '        return apps.get_model("auth", "User").objects.get_or_create(username=cn)',
      '    def m11(self, cn):',
      '        return apps.get_model("devices.Reading").objects.get_or_create(cn=cn)',
      '',
    ].join('\n'),
  });
  const mod = project.moduleByName('people.backends')!;
  const b = mod.classes.get('B')!;
  const user = (fn: string, method: string, authUserModel: string | null = null) => isUserModel(project, queryModelExpr(receiverOf(mod, fn, method), mod), mod, b, b.methods.get(fn)!, authUserModel);
  assert.equal(user('m1', 'get_or_create'), true);
  assert.equal(user('m2', 'create'), true);
  assert.equal(user('m3', 'update_or_create'), true);
  assert.equal(user('m4', 'get_or_create'), true, 'a project subclass of AbstractUser');
  assert.equal(user('m5', 'get_or_create'), true, 'apps.get_model(settings.AUTH_USER_MODEL) on the class');
  assert.equal(user('m6', 'get_or_create'), false);
  assert.equal(user('m7', 'get_or_create'), false, 'a model outside the tree');
  assert.equal(user('m8', 'create'), false, 'a related manager of a user');
  assert.equal(user('m9', 'get_or_create'), false);
  assert.equal(user('m9', 'get_or_create', 'devices.Operator'), true, 'the model AUTH_USER_MODEL names');
  assert.equal(user('m10', 'get_or_create'), true, 'apps.get_model("auth", "User")');
  assert.equal(user('m11', 'get_or_create'), false);
  assert.equal(user('m11', 'get_or_create', 'devices.Reading'), true);
});
