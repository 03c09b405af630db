// The code model's call graph: a helper another project function calls is analysed inside its
// caller, not as an entry point of its own, however the caller names it (its name, a module-level
// or a function-level import alias, a method through self).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../settings/helpers.js';

const HELPER = `
from django.http import JsonResponse

def fetch_cert(request):
    return request.META.get('HTTP_X_SSL_CLIENT_CERT')

def unused_reader(request):
    return request.META.get('HTTP_X_SSL_CLIENT_S_DN')
`;

test('helpers called by name, through an import alias (module or function level) or through self are not roots', async () => {
  const { model } = await load({
    'app/helpers.py': HELPER,
    'app/views.py': `
      from django.http import JsonResponse
      from app.helpers import fetch_cert as grab

      # Names the header, so the pre-filter parses this module (the engine also pulls in importers).
      HEADER = 'HTTP_X_SSL_CLIENT_CERT'

      def me(request):
          if grab(request):
              return JsonResponse({'ok': True})
          return JsonResponse({}, status=403)

      def again(request):
          from app.helpers import unused_reader as dn
          if dn(request):
              return JsonResponse({'ok': True})
          return JsonResponse({}, status=403)
    `,
  });
  const roots = model.code.flows.map((f) => f.root.fn.qualname).sort();
  assert.deepEqual(roots, ['again', 'me']);
  // The reads inside the helpers belong to their callers' flows.
  const me = model.code.flows.find((f) => f.root.fn.qualname === 'me')!;
  assert.ok(me.reads.some((r) => r.key === 'HTTP_X_SSL_CLIENT_CERT'));
});

test('a helper nobody calls is an entry point of its own', async () => {
  const { model } = await load({ 'app/helpers.py': HELPER });
  assert.deepEqual(model.code.flows.map((f) => f.root.fn.qualname).sort(), ['fetch_cert', 'unused_reader']);
});
