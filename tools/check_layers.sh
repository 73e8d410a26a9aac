#!/usr/bin/env bash
# The dependency rule (STYLE.md G2): domain and app code never include a driver, Beast, or the
# api/infra layers. The link graph cannot stop a bad include, so CI greps for one.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0
for svc in services/*-service; do
  for layer in domain app; do
    dir="$svc/src/$layer"
    [[ -d $dir ]] || continue
    if grep -RnE '#include *[<"](boost/beast|boost/asio|sqlite3\.h|libpq-fe\.h|rdkafka|librdkafka|.*api/|.*infra/|shop/http/server|shop/http/client)' "$dir"; then
      echo "check_layers: $dir includes something outside its layer (above)" >&2
      bad=1
    fi
  done
  if [[ -d $svc/src/domain ]] && grep -RnE '#include *"shop/(db|events|http|json)/' "$svc/src/domain"; then
    echo "check_layers: $svc/src/domain must depend only on the standard library and shop/core" >&2
    bad=1
  fi
done
if ((bad)); then exit 1; fi
echo "check_layers: ok"
