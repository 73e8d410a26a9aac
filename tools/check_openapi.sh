#!/usr/bin/env bash
# Lints docs/api/openapi.yaml and checks it against the API contract. Called by `make lint`.
#
#   1. tools/check_contract.sh: every `METHOD /path` of the contract (argument 1, default
#      ../shared/API-CONTRACT.md relative to the repo root) is an operation of openapi.yaml;
#      plus a self-test proving the checker does fail on a missing operation.
#   2. `npm run lint:openapi` (Redocly CLI, pinned in package.json / package-lock.json, rules in
#      tools/redocly.yaml). node_modules is installed with `npm ci --ignore-scripts` when missing.
#      Skipped with a message when node or npm is absent (set REQUIRE_NODE=1 to fail instead).
# Exit status: 0 when everything that ran passed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
contract="${1:-$root/../shared/API-CONTRACT.md}"

echo "== OpenAPI vs contract"
if [[ -r "$contract" ]]; then
  tools/check_contract.sh "$contract"
else
  echo "check_openapi: SKIP contract check: $contract not found"
fi

# Self-test: the checker must reject a contract naming an operation openapi.yaml lacks.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '# probe\n- `GET /health`\n- `PUT`/`DELETE /api/v1/no-such-resource/{id}`\n' >"$tmp/contract.md"
if tools/check_contract.sh "$tmp/contract.md" >"$tmp/out" 2>&1; then
  echo "check_openapi: FAILED: check_contract.sh accepted a contract with missing operations" >&2
  exit 1
fi
if ! grep -q 'DELETE /api/v1/no-such-resource/{}' "$tmp/out" || ! grep -q 'PUT /api/v1/no-such-resource/{}' "$tmp/out"; then
  echo "check_openapi: FAILED: check_contract.sh did not name the missing operations:" >&2
  cat "$tmp/out" >&2
  exit 1
fi
echo "check_contract self-test: OK (a missing operation is reported)"

echo "== OpenAPI lint (Redocly CLI)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  msg="check_openapi: SKIP lint: node/npm not installed (install Node.js 20+ and npm to lint docs/api/openapi.yaml)"
  if [[ "${REQUIRE_NODE:-0}" == 1 ]]; then
    echo "${msg/SKIP/FAILED}" >&2
    exit 1
  fi
  echo "$msg"
  exit 0
fi
if [[ ! -x node_modules/.bin/redocly ]]; then
  echo "installing the pinned npm tooling: npm ci --ignore-scripts"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# NO_COLOR and a quiet update check keep CI logs readable; the deprecation banner goes to stderr.
NO_COLOR=1 REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off npm run --silent lint:openapi
