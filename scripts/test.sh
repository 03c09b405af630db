#!/usr/bin/env bash
# `npm test`: installs what the tests need when missing (Debian packages, npm deps), builds, and
# runs every test with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
/usr/bin/python3 -c 'import django' >/dev/null 2>&1 || need+=(python3-django)
/usr/bin/python3 -c 'import gunicorn' >/dev/null 2>&1 || need+=(python3-gunicorn)
/usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 || need+=(python3-cryptography)
/usr/bin/python3 -c 'import OpenSSL' >/dev/null 2>&1 || need+=(python3-openssl)
command -v bandit >/dev/null 2>&1 || need+=(bandit)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "test setup: installing Debian packages: ${need[*]}" >&2
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # Keep the packaged services from starting on :80 during install.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
[ -d node_modules ] || npm ci
npm run build --silent
npm run lint --silent
# Every test: the unit suites imported by two processes side by side, every other file in a
# process of its own (scripts/run-tests.ts says why; `node dist/scripts/run-tests.js --isolated`
# gives each unit file its own process too).
node dist/scripts/run-tests.js
