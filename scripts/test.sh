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
# Only *.test.js files are tests (dist/test also holds their helpers), and only those compiled from
# a test/**/*.test.ts that still exists: tsc leaves the output of a moved or deleted test behind.
tests=()
while IFS= read -r f; do
  src="${f#dist/}"
  if [ -e "${src%.js}.ts" ]; then tests+=("$f"); fi
done < <(find dist/test -name '*.test.js' | sort)
node --test --test-concurrency=2 "${tests[@]}"
