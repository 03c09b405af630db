#!/usr/bin/env bash
# `npm run lint`: ESLint (type-aware, eslint.config.js) and Prettier's check, run side by side (two
# cores: ~27 s instead of ~36 s one after the other). Fails if either fails; both always finish.
set -uo pipefail
cd "$(dirname "$0")/.."
npx --no-install eslint . &
eslint=$!
npx --no-install prettier --check --log-level warn "src/**/*.ts" "test/**/*.ts" "scripts/**/*.ts" "bin/*.js" eslint.config.js
prettier=$?
wait "$eslint"
eslint_rc=$?
[ "$eslint_rc" -eq 0 ] && [ "$prettier" -eq 0 ]
