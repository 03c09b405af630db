// Settings computed by small helper functions in the settings module itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from './helpers.js';
import { isUnknown } from '../../src/settings/model.js';

test('a parameterless helper that only returns an expression is evaluated at the call', async () => {
  const { settings } = await load({
    'settings.py': `
      import os
      INSTALLED_APPS = []
      SECRET_KEY = "x"
      DEBUG = False

      def _gateway_identity_header():
          """Which header the identity gateway writes."""
          return os.environ.get("GATEWAY_IDENTITY_HEADER", "HTTP_X_GATEWAY_IDENTITY")

      def _port(default=8000):
          return default

      def _branchy():
          if os.environ.get("X"):
              return "a"
          return "b"

      IDENTITY_HEADER = _gateway_identity_header()
      PORT = _port()
      CHOICE = _branchy()
    `,
  });
  const h = settings.get('IDENTITY_HEADER')!;
  assert.equal(h.value, 'HTTP_X_GATEWAY_IDENTITY');
  assert.equal(h.envDependent, true);
  assert.equal(h.env, 'GATEWAY_IDENTITY_HEADER');
  // Parameters and control flow are not interpreted: unknown rather than wrong.
  assert.ok(isUnknown(settings.get('PORT')!.value));
  assert.ok(isUnknown(settings.get('CHOICE')!.value));
});
