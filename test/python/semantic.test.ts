// The Python semantic model: scopes and bindings as Python has them (function-local imports stay
// in their function, parameters and locals shadow module names, class bodies do not enclose their
// methods), qualified names of names, attributes and calls through aliases, re-exports and star
// imports, and the class hierarchy with bases resolved where the class statement is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getPythonParser } from '../../src/python/parser.js';
import { PythonProject } from '../../src/python/project.js';
import type { PyModule } from '../../src/python/module.js';
import type { PyNode } from '../../src/python/parser.js';
import { walk } from '../../src/python/ast.js';
import { allImports, scopeAt } from '../../src/python/semantic/scopes.js';
import { classMember, memberValues } from '../../src/python/members.js';
import type { DiscoveredFile } from '../../src/scan/discover.js';

async function projectOf(t: { after(fn: () => void): void }, files: Record<string, string>): Promise<PythonProject> {
  const root = mkdtempSync(join(tmpdir(), 'mtls-audit-semantic-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const list: DiscoveredFile[] = Object.entries(files).map(([p, src]) => {
    const abs = join(root, p);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, src);
    return { path: p, abs, size: -1, kind: 'python' };
  });
  return new PythonProject(await getPythonParser(), list, []);
}

/** The identifier / attribute / call nodes whose text is `text`, in source order. */
function nodes(mod: PyModule, text: string, type = 'identifier'): PyNode[] {
  const out: PyNode[] = [];
  walk(mod.root, (n) => {
    if (n.type === type && mod.text(n) === text) out.push(n);
    return true;
  });
  return out;
}

/** The node `text` on the given 1-based line. */
function at(mod: PyModule, text: string, line: number, type = 'identifier'): PyNode {
  const n = nodes(mod, text, type).find((x) => x.line === line);
  assert.ok(n, `no ${type} ${text} on line ${line}`);
  return n;
}

test('a function-local import binds in that function only; the module-level binding is seen everywhere else', async (t) => {
  const project = await projectOf(t, {
    'app/views.py': [
      'from rest_framework.permissions import IsAuthenticated as P',
      'def public():',
      '    from rest_framework.permissions import AllowAny as P',
      '    return [P]',
      'def private():',
      '    return [P]',
      'def nested():',
      '    from rest_framework.permissions import AllowAny as P',
      '    def inner():',
      '        return P',
      '    return inner',
      'PERMS = [P]',
    ].join('\n'),
  });
  const mod = project.moduleByName('app.views')!;
  const q = (line: number) => project.qualifyNode(mod, at(mod, 'P', line));
  assert.equal(q(4), 'rest_framework.permissions.AllowAny', 'the local import');
  assert.equal(q(6), 'rest_framework.permissions.IsAuthenticated', 'no leak from public() into private()');
  assert.equal(q(10), 'rest_framework.permissions.AllowAny', 'an enclosing function’s import is seen by a nested one');
  assert.equal(q(12), 'rest_framework.permissions.IsAuthenticated', 'no leak into module scope');
  assert.equal(project.qualify(mod, 'P'), 'rest_framework.permissions.IsAuthenticated', 'a name without a place is a module-scope name');
  assert.equal(mod.imports.get('P')?.name, 'IsAuthenticated', 'mod.imports holds module-scope imports only');
  assert.equal(allImports(mod).length, 3, 'every import of the module, in every scope');
  const fn = mod.functions.get('public')!;
  assert.equal(project.qualify(mod, 'P', fn), 'rest_framework.permissions.AllowAny', 'a function stands for its body scope');
});

test('parameters and locals shadow module names (with/for targets, comprehension variables and lambda parameters where they bind); global names are looked up outside', async (t) => {
  const project = await projectOf(t, {
    'app/mw.py': [
      'from django.conf import settings',
      'import re',
      'def a(settings):',
      '    return settings.HEADER',
      'def b():',
      '    for compile in things():',
      '        compile(x)',
      '    return settings.HEADER',
      'def c():',
      '    global settings',
      '    settings = load()',
      '    return settings.HEADER',
      'def d():',
      '    return re.compile("x")',
      'def e():',
      '    with open("f") as re:',
      '        pass',
      '    return re.compile("y")',
      'def g(items):',
      '    found = [re.compile(x) for re in items]',
      '    key = lambda re: re.compile("z")',
      '    return re.compile("w")',
    ].join('\n'),
  });
  const mod = project.moduleByName('app.mw')!;
  assert.equal(project.qualifyNode(mod, at(mod, 'settings.HEADER', 4, 'attribute')), null, 'a parameter is a run-time value');
  assert.equal(project.qualifyNode(mod, at(mod, 'settings.HEADER', 8, 'attribute')), 'django.conf.settings.HEADER');
  assert.equal(project.qualifyNode(mod, at(mod, 'compile', 7)), null, 'a loop variable');
  assert.equal(project.qualifyNode(mod, at(mod, 'settings.HEADER', 12, 'attribute')), 'django.conf.settings.HEADER', '`global` sends the lookup to the module');
  assert.equal(project.qualifyNode(mod, at(mod, 're.compile("x")', 14, 'call')), 're.compile', 'a call is its callee');
  assert.equal(project.qualifyNode(mod, at(mod, 're.compile("y")', 18, 'call')), null, 'a `with … as` target');
  assert.equal(project.qualifyNode(mod, at(mod, 're.compile(x)', 20, 'call')), null, 'a comprehension variable, inside the comprehension');
  assert.equal(project.qualifyNode(mod, at(mod, 're.compile("z")', 21, 'call')), null, 'a lambda parameter, in the lambda');
  assert.equal(project.qualifyNode(mod, at(mod, 're.compile("w")', 22, 'call')), 're.compile', 'comprehension variables and lambda parameters do not leak');
});

test('class bodies: their own names inside, not for their methods; bases resolve where the class statement is', async (t) => {
  const project = await projectOf(t, {
    'app/base.py': 'from django.contrib.auth.middleware import RemoteUserMiddleware as RUM\nclass Base(RUM):\n    header = "HTTP_X_USER"\n',
    'app/mw.py': [
      'from .base import Base',
      'from rest_framework.permissions import IsAuthenticated as Perm',
      'class V:',
      '    from rest_framework.permissions import AllowAny as Perm',
      '    permission_classes = [Perm]',
      '    def get(self):',
      '        return Perm',
      'def factory():',
      '    from django.contrib.auth.backends import RemoteUserBackend as B',
      '    class Local(B):',
      '        pass',
      '    return Local',
      'class Child(Base):',
      '    pass',
    ].join('\n'),
  });
  const mod = project.moduleByName('app.mw')!;
  assert.equal(project.qualifyNode(mod, at(mod, 'Perm', 5)), 'rest_framework.permissions.AllowAny', 'the class body sees its own import');
  assert.equal(project.qualifyNode(mod, at(mod, 'Perm', 7)), 'rest_framework.permissions.IsAuthenticated', 'a method does not see the class body');
  const local = mod.allClasses.find((c) => c.name === 'Local')!;
  assert.deepEqual(project.ancestry(local), ['django.contrib.auth.backends.RemoteUserBackend'], 'a base from the enclosing function’s import');
  const child = mod.classes.get('Child')!;
  assert.deepEqual(project.ancestry(child), ['app.base.Base', 'django.contrib.auth.middleware.RemoteUserMiddleware']);
  assert.equal(project.classAttr(child, 'header')?.cls.name, 'Base');
  assert.equal(scopeAt(mod, at(mod, 'B', 10)).scopeKind, 'function', 'a base expression is in the scope around the class');
});

test('aliases through project re-exports and star imports; `import a.b` and `import a.b as c`', async (t) => {
  const project = await projectOf(t, {
    'app/perms.py': 'from rest_framework.permissions import IsAuthenticated as Authed\n',
    'app/common.py': 'from .perms import *\nimport hashlib\n',
    'app/views.py': ['from .common import *', 'import os.path', 'import xml.etree.ElementTree as ET', 'def v(request):', '    x = Authed', '    h = hashlib.sha256(request.body)', '    return os.path.join(ET.tostring(x), h)'].join('\n'),
  });
  const mod = project.moduleByName('app.views')!;
  assert.equal(project.qualifyNode(mod, at(mod, 'Authed', 5)), 'rest_framework.permissions.IsAuthenticated', 'an alias re-exported through two star imports');
  assert.equal(project.qualifyNode(mod, at(mod, 'hashlib.sha256(request.body)', 6, 'call')), 'hashlib.sha256');
  assert.equal(project.qualifyNode(mod, at(mod, 'os.path.join', 7, 'attribute')), 'os.path.join');
  assert.equal(project.qualifyNode(mod, at(mod, 'ET.tostring', 7, 'attribute')), 'xml.etree.ElementTree.tostring');
  assert.equal(project.qualifyNode(mod, at(mod, 'request.body', 6, 'attribute')), null, 'a parameter’s attribute');
});

test('class members: method, property, class attribute and declared fields (dataclass, NamedTuple, attrs), through bases', async (t) => {
  const project = await projectOf(t, {
    'app/__init__.py': '',
    'app/models.py': [
      'import attr',
      'from attrs import define, field',
      'from dataclasses import dataclass, field as dc_field',
      'from typing import ClassVar, NamedTuple',
      '',
      'class Base:',
      '    header = "HTTP_X_BASE"',
      '    def verify(self):',
      '        return True',
      '',
      'class Mw(Base):',
      '    @property',
      '    def header(self):',
      '        return "HTTP_X_SSL_USER"',
      '    mode = "strict"',
      '',
      '@dataclass',
      'class Pin:',
      '    sha256: str',
      '    serial: int = 0',
      '    tags: list = dc_field(default=None)',
      '    kind: ClassVar[str] = "pin"',
      '',
      'class Row(NamedTuple):',
      '    cn: str',
      '    fp: str',
      '',
      '@attr.s',
      'class Enrolment:',
      '    user = attr.ib()',
      '    fp = attr.ib(default="none")',
      '    note = "not a field"',
      '',
      '@define',
      'class Device:',
      '    name: str',
      '    token = field(default="x")',
      '',
    ].join('\n'),
  });
  const mod = project.moduleByName('app.models')!;
  const sem = project.semantic;
  const cls = (n: string) => mod.classes.get(n)!;
  const text = (n: PyNode | null) => (n ? mod.text(n) : null);

  // A property in the subclass shadows the base's class attribute; a method is found through the base.
  const header = sem.classMember(cls('Mw'), 'header');
  assert.equal(header?.kind, 'property');
  assert.deepEqual(header?.kind === 'property' ? header.values.map(text) : null, ['"HTTP_X_SSL_USER"']);
  assert.equal(sem.classMember(cls('Mw'), 'verify')?.kind, 'method');
  assert.equal(sem.classMember(cls('Mw'), 'verify')?.cls, cls('Base'));
  const mode = sem.classMember(cls('Mw'), 'mode');
  assert.deepEqual(mode?.kind === 'attr' ? [mode.kind, text(mode.value)] : mode, ['attr', '"strict"']);
  assert.equal(sem.classMember(cls('Base'), 'header')?.kind, 'attr');
  assert.equal(sem.classMember(cls('Mw'), 'missing'), null);

  // Dataclass: annotated fields in order, ClassVar excluded, defaults (also `field(default=…)`).
  assert.deepEqual(
    sem.declaredFields(cls('Pin')).map((f) => [f.name, text(f.default)]),
    [
      ['sha256', null],
      ['serial', '0'],
      ['tags', 'None'],
    ],
  );
  const serial = sem.classMember(cls('Pin'), 'serial');
  assert.deepEqual(serial?.kind === 'field' ? [serial.kind, text(serial.value)] : serial, ['field', '0']);
  assert.equal(sem.classMember(cls('Pin'), 'kind')?.kind, 'attr');
  assert.ok(sem.isDataClass(cls('Pin')) && sem.isDataClass(cls('Row')) && sem.isDataClass(cls('Enrolment')) && sem.isDataClass(cls('Device')));
  assert.ok(!sem.isDataClass(cls('Mw')));

  // NamedTuple fields.
  assert.deepEqual(
    sem.declaredFields(cls('Row')).map((f) => f.name),
    ['cn', 'fp'],
  );
  assert.equal(sem.classMember(cls('Row'), 'fp')?.kind, 'field');

  // attrs: `attr.ib()` and attrs' `field()` declare fields without annotation; a plain value does not.
  assert.deepEqual(
    sem.declaredFields(cls('Enrolment')).map((f) => [f.name, text(f.default)]),
    [
      ['user', null],
      ['fp', '"none"'],
    ],
  );
  assert.equal(sem.classMember(cls('Enrolment'), 'note')?.kind, 'attr');
  assert.deepEqual(
    sem.declaredFields(cls('Device')).map((f) => [f.name, text(f.default)]),
    [
      ['name', null],
      ['token', '"x"'],
    ],
  );
});

test('members.ts answers value members from the semantic model: a field default is the value, a method is none', async (t) => {
  const project = await projectOf(t, {
    'app/__init__.py': '',
    'app/mw.py': ['import attr', '', '@attr.s', 'class Cfg:', '    header = attr.ib(default="HTTP_X_CLIENT_DN")', '    def run(self):', '        pass', ''].join('\n'),
  });
  const mod = project.moduleByName('app.mw')!;
  const cfg = mod.classes.get('Cfg')!;
  const m = classMember(project, cfg, 'header');
  assert.deepEqual(m ? memberValues(m).map((v) => mod.text(v)) : null, ['"HTTP_X_CLIENT_DN"']);
  assert.equal(classMember(project, cfg, 'run'), null);
});
