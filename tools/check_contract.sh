#!/usr/bin/env bash
# Checks that docs/api/openapi.yaml documents every endpoint of the API contract.
#
# Usage: tools/check_contract.sh [CONTRACT_MD] [OPENAPI_YAML]
#   CONTRACT_MD   default: ../shared/API-CONTRACT.md relative to the repo root
#   OPENAPI_YAML  default: docs/api/openapi.yaml in the repo
#
# Every `METHOD /path` written in the contract (backquoted, e.g. `GET /api/v1/users/{id}`, also
# `PUT`/`PATCH /api/v1/products/{id}` and paths with a query string) must be an operation of the
# OpenAPI file. Path parameter names are not compared ({id} matches {product_id}); query strings
# are ignored. Every event named in the contract's "Events" section must have a `<Name>Event`
# schema. Exit 0 when all are present, 1 listing the missing ones, 2 on a usage error.
# Needs only bash, grep, sed, awk and sort.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
contract="${1:-$root/../shared/API-CONTRACT.md}"
openapi="${2:-$root/docs/api/openapi.yaml}"

for f in "$contract" "$openapi"; do
  if [[ ! -r "$f" ]]; then
    echo "check_contract: cannot read $f" >&2
    exit 2
  fi
done

normalise() {  # "GET /a/{x}/b?q=" -> "GET /a/{}/b"
  sed -E -e 's/\?.*$//' -e 's/\{[^}]*\}/{}/g' -e 's#(.)/$#\1#'
}

# METHOD /path pairs of the contract. "`PUT`/`PATCH /p`" yields "PUT /p" and "PATCH /p".
wanted="$(grep -oE '`((GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)`?/`?)*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /[^` ]*' "$contract" |
  tr -d '`' |
  awk '{ n = split($1, methods, "/"); for (i = 1; i <= n; i++) print methods[i], $2 }' |
  normalise | sort -u)"

if [[ -z "$wanted" ]]; then
  echo "check_contract: no \`METHOD /path\` found in $contract" >&2
  exit 2
fi

# METHOD /path pairs of the OpenAPI file: path keys are indented 2 under `paths:`, operations 4.
have="$(awk '
  /^paths:[[:space:]]*$/ { in_paths = 1; next }
  /^[^[:space:]#]/        { in_paths = 0 }
  in_paths && /^  [^[:space:]#]/ {
    p = $0; sub(/^  /, "", p); sub(/:[[:space:]]*$/, "", p); gsub(/["\047]/, "", p); path = p; next
  }
  in_paths && path != "" && /^    (get|put|post|delete|patch|head|options):/ {
    m = $1; sub(/:$/, "", m); print toupper(m), path
  }' "$openapi" | normalise | sort -u)"

missing="$(comm -23 <(printf '%s\n' "$wanted") <(printf '%s\n' "$have"))"

# Every event named in the contract's "Events" section (`UserCreated`, ...) must have a schema
# `<Name>Event` in components/schemas.
events="$(awk '/^## /{ on = ($0 ~ /^## Events/) } on' "$contract" | grep -oE '`[A-Z][a-z]+[A-Z][A-Za-z]+`' | tr -d '`' | sort -u || true)"
for e in $events; do
  if ! grep -Eq "^    ${e}Event:" "$openapi"; then
    missing+="${missing:+$'\n'}event schema ${e}Event"
  fi
done
count_events="$(printf '%s' "$events" | grep -c . || true)"
count="$(printf '%s\n' "$wanted" | wc -l)"
if [[ -n "$missing" ]]; then
  echo "check_contract: FAILED: $openapi lacks these items of $contract:"
  sed 's/^/  /' <<<"$missing"
  exit 1
fi
echo "check_contract: OK: all $count operations and $count_events event schemas of $(basename "$contract") are in $(basename "$openapi")"
