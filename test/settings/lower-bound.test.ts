// Lists whose full value is unknown but whose known part is certain (SValue.atLeast):
// `[*apps_from_env, 'a']`, then mutations the evaluator follows or merges under a condition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './helpers.js';
import { isUnknown, itemsAtLeast } from '../../src/settings/model.js';

const atLeast = (s: { tree: Parameters<typeof itemsAtLeast>[0] } | undefined) => (itemsAtLeast(s?.tree) ?? null)?.map((i) => i.value) ?? null;

test('an unpacked unknown value keeps what is written around it, through mutations and unknown branches', async () => {
  const { settings } = await load({
    'settings.py': `
      import os
      INSTALLED_APPS = []
      SECRET_KEY = "x"
      extra = os.environ.get('EXTRA', '').split(',')
      A = ['x', *extra, 'y']
      A.append('z')
      if len(extra) > 3:
          A.append('dbg')
      else:
          A.append('prod')
      A.remove('x')
      B = [*extra] + ['q']
      C = ['k', *extra]
      C.remove(extra[0])
      D = ['m', *extra]
      D.pop()
      E = ['e1', 'e2']
      E.sort()
    `,
  });
  for (const k of ['A', 'B', 'C', 'D', 'E']) assert.ok(isUnknown(settings.get(k)!.value), `${k} is unknown`);
  // 'dbg' and 'prod' each only on one branch of a condition nothing decides; 'x' removed by value.
  assert.deepEqual(atLeast(settings.get('A')), ['y', 'z']);
  assert.deepEqual(atLeast(settings.get('B')), ['q']);
  // Removing an unknown value, or popping an unknown last item: nothing is certain any more.
  assert.equal(atLeast(settings.get('C')), null);
  assert.equal(atLeast(settings.get('D')), null);
  // Reordering keeps the members.
  assert.deepEqual(atLeast(settings.get('E')), ['e1', 'e2']);
});
