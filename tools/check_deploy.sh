#!/usr/bin/env bash
# Checks the deployment files. Called by `make test`. Needs bash, grep, awk; uses kubectl and a
# docker compose client when present and says so when it skips them (set REQUIRE_DEPLOY_TOOLS=1
# to fail instead of skipping).
#
#   1. Dockerfiles: up to date with tools/gen_dockerfiles.sh, and each has a build stage, a final
#      FROM debian:bookworm-slim, a non-root USER and a HEALTHCHECK in the final stage.
#   2. Kubernetes: `kubectl kustomize` renders overlays/dev and overlays/prod, and the output has
#      what it must: per Deployment the probes, the security context, the drain settings, the
#      replica count of the overlay; a Service, PDB and HPA per Deployment; no Secret values.
#   3. docker-compose.yml: `docker compose config -q` (or docker-compose) with .env.example, plus
#      the healthchecks, per-service PostgreSQL and KRaft Kafka it must have.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2

passed=0
failed=0
skipped=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "  FAIL: $*"; }
skip() {
  if [[ "${REQUIRE_DEPLOY_TOOLS:-0}" == 1 ]]; then
    bad "$* (REQUIRE_DEPLOY_TOOLS=1)"
  else
    skipped=$((skipped + 1)); echo "  SKIP: $*"
  fi
}
# check DESCRIPTION COMMAND...: counts a pass when COMMAND succeeds.
check() {
  local what="$1"; shift
  if "$@" >/dev/null 2>&1; then ok; else bad "$what"; fi
}

DEPLOYMENTS=(user-service product-service order-service payment-service api-gateway)
declare -A PORTS=([user-service]=8001 [product-service]=8002 [order-service]=8003
                  [payment-service]=8004 [api-gateway]=8080 [ecommerce-platform]=8080)
DOCKERFILES=(
  "services/user-service/Dockerfile|user-service"
  "services/product-service/Dockerfile|product-service"
  "services/order-service/Dockerfile|order-service"
  "services/payment-service/Dockerfile|payment-service"
  "api-gateway/Dockerfile|api-gateway"
  "apps/all-in-one/Dockerfile|ecommerce-platform"
)

# ---------------------------------------------------------------- Dockerfiles
echo "== Dockerfiles"
check "Dockerfiles differ from tools/gen_dockerfiles.sh (run it and commit)" tools/gen_dockerfiles.sh --check
for entry in "${DOCKERFILES[@]}"; do
  IFS='|' read -r file bin <<<"$entry"
  if [[ ! -f "$file" ]]; then bad "$file is missing"; continue; fi
  # The final stage: everything after the last FROM.
  final="$(awk '/^FROM /{buf=""} {buf = buf $0 "\n"} END{printf "%s", buf}' "$file")"
  check "$file: no build stage (FROM debian:bookworm AS build)" grep -Eq '^FROM debian:bookworm AS build$' "$file"
  check "$file: the build stage does not configure with -G Ninja" grep -q -- "-G Ninja" "$file"
  check "$file: the build stage does not build --target $bin" grep -q -- "--target $bin " "$file"
  check "$file: the final stage is not FROM debian:bookworm-slim" \
    grep -Eq '^FROM debian:bookworm-slim$' <<<"$(grep '^FROM ' "$file" | tail -n 1)"
  user="$(grep -E '^USER ' <<<"$final" | tail -n 1 | awk '{print $2}')"
  if [[ -z "$user" ]]; then
    bad "$file: the final stage has no USER"
  elif [[ "$user" =~ ^(root|0)(:.*)?$ ]]; then
    bad "$file: the final stage runs as root ($user)"
  else
    ok
  fi
  check "$file: no HEALTHCHECK in the final stage" grep -q '^HEALTHCHECK ' <<<"$final"
  check "$file: HEALTHCHECK does not curl /health" grep -Eq 'curl -fsS "?http://127\.0\.0\.1:\$\{?PORT\}?/health' <<<"$final"
  check "$file: PORT is not ${PORTS[$bin]}" grep -Eq "PORT=${PORTS[$bin]}( |$)" <<<"$final"
  check "$file: HOST is not 0.0.0.0" grep -q 'HOST=0.0.0.0' <<<"$final"
  check "$file: the runtime stage installs a -dev package" bash -c '! grep -Eq -- "-dev( |$)" <<<"$1"' _ "$final"
  check "$file: no $file.dockerignore beside it" test -f "$file.dockerignore"
done

# ---------------------------------------------------------------- Kubernetes
echo "== Kubernetes (kustomize)"
# Prints one line per (kind, name): "kind name<TAB>document with newlines as \n".
split_docs() {
  awk 'function flush() { if (kind != "") { gsub(/\n/, "\\n", doc); print kind, name "\t" doc } kind = ""; name = ""; doc = "" }
       /^---$/ { flush(); next }
       /^kind: / { kind = $2 }
       /^  name: / && name == "" && inmeta { name = $2 }
       /^metadata:/ { inmeta = 1 } /^[a-z]/ && !/^metadata:/ { inmeta = 0 }
       { doc = doc $0 "\n" }
       END { flush() }'
}
# doc_has KIND NAME REGEX: the rendered document KIND/NAME contains a line matching REGEX.
doc_has() {
  local line
  line="$(grep -E "^$1 $2	" <<<"$docs")" || return 1
  # No grep -q here: under pipefail, grep quitting early would fail printf with SIGPIPE.
  printf '%b' "${line#*	}" | grep -E -- "$3" >/dev/null
}
check_overlay() {
  local overlay="$1" replicas="$2" min_hpa="$3" out
  if ! out="$(kubectl kustomize "infrastructure/kubernetes/overlays/$overlay" 2>&1)"; then
    bad "kubectl kustomize overlays/$overlay failed:"; echo "$out" | sed 's/^/    /'; return
  fi
  ok
  docs="$(split_docs <<<"$out")"
  check "$overlay: renders a Secret (only references are allowed)" bash -c '! grep -q "^kind: Secret$" <<<"$1"' _ "$out"
  check "$overlay: no ConfigMap ecommerce-config" grep -Eq '^ConfigMap ecommerce-config' <<<"$docs"
  for d in "${DEPLOYMENTS[@]}"; do
    local port="${PORTS[$d]}"
    if ! grep -Eq "^Deployment $d	" <<<"$docs"; then bad "$overlay: no Deployment $d"; continue; fi
    check "$overlay/$d: replicas is not $replicas" doc_has Deployment "$d" "^  replicas: $replicas$"
    check "$overlay/$d: no readOnlyRootFilesystem" doc_has Deployment "$d" 'readOnlyRootFilesystem: true'
    check "$overlay/$d: no runAsNonRoot" doc_has Deployment "$d" 'runAsNonRoot: true'
    check "$overlay/$d: capabilities not dropped" doc_has Deployment "$d" '^ +- ALL$'
    check "$overlay/$d: privilege escalation allowed" doc_has Deployment "$d" 'allowPrivilegeEscalation: false'
    check "$overlay/$d: no liveness probe on /health" \
      bash -c 'printf "%b" "$1" | grep -A3 "livenessProbe:" | grep -q "path: /health"' _ "$(grep -E "^Deployment $d	" <<<"$docs" | cut -f2-)"
    check "$overlay/$d: no readiness probe on /ready" \
      bash -c 'printf "%b" "$1" | grep -A3 "readinessProbe:" | grep -q "path: /ready"' _ "$(grep -E "^Deployment $d	" <<<"$docs" | cut -f2-)"
    check "$overlay/$d: terminationGracePeriodSeconds is not 30" doc_has Deployment "$d" 'terminationGracePeriodSeconds: 30$'
    check "$overlay/$d: no preStop sleep 5" \
      bash -c 'printf "%b" "$1" | grep -A6 "preStop:" | tr -d "\n " | grep -q "command:-sleep-\"5\""' _ "$(grep -E "^Deployment $d	" <<<"$docs" | cut -f2-)"
    check "$overlay/$d: no emptyDir mounted on /tmp" doc_has Deployment "$d" 'mountPath: /tmp$'
    check "$overlay/$d: no resources limits" doc_has Deployment "$d" '^ +limits:$'
    check "$overlay/$d: containerPort is not $port" doc_has Deployment "$d" "containerPort: $port$"
    check "$overlay/$d: no Service" grep -Eq "^Service $d	" <<<"$docs"
    check "$overlay/$d: no PodDisruptionBudget" grep -Eq "^PodDisruptionBudget $d	" <<<"$docs"
    check "$overlay/$d: no HorizontalPodAutoscaler" grep -Eq "^HorizontalPodAutoscaler $d	" <<<"$docs"
    check "$overlay/$d: HPA minReplicas is not $min_hpa" doc_has HorizontalPodAutoscaler "$d" "minReplicas: $min_hpa$"
    if [[ "$d" != api-gateway ]]; then
      check "$overlay/$d: DATABASE_URL is not a Secret reference" doc_has Deployment "$d" 'secretKeyRef:'
    fi
    if [[ "$overlay" == prod ]]; then
      check "prod/$d: no podAntiAffinity on kubernetes.io/hostname" \
        bash -c 'printf "%b" "$1" | grep -A8 "podAntiAffinity:" | grep -q "topologyKey: kubernetes.io/hostname"' _ "$(grep -E "^Deployment $d	" <<<"$docs" | cut -f2-)"
      check "prod/$d: no topologySpreadConstraints" doc_has Deployment "$d" 'topologySpreadConstraints:'
    fi
  done
}
if command -v kubectl >/dev/null 2>&1; then
  check_overlay dev 1 1
  check_overlay prod 3 3
else
  skip "kubectl not installed: the Kubernetes overlays were not rendered (install kubectl to check them)"
fi

# ---------------------------------------------------------------- docker compose
echo "== docker-compose.yml"
compose=()
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
fi
if ((${#compose[@]})); then
  # `config` only parses and interpolates: no Docker engine is needed.
  if out="$("${compose[@]}" -f docker-compose.yml --env-file .env.example config -q 2>&1)"; then
    ok
  else
    bad "${compose[*]} config -q rejected docker-compose.yml:"; echo "$out" | sed 's/^/    /'
  fi
else
  skip "no docker compose client (docker compose or docker-compose): docker-compose.yml was not validated"
fi
check "docker-compose.yml: not 4 pg_isready healthchecks" test "$(grep -c 'pg_isready' docker-compose.yml)" -eq 4
check "docker-compose.yml: not 4 postgres:15 databases" test "$(grep -cE 'image: postgres:15|<<: \*postgres$' docker-compose.yml)" -ge 4
check "docker-compose.yml: Kafka is not in KRaft mode" grep -q 'KAFKA_PROCESS_ROLES: broker,controller' docker-compose.yml
check "docker-compose.yml: still uses ZooKeeper" bash -c '! grep -v "^[[:space:]]*#" docker-compose.yml | grep -qi zookeeper'
check "docker-compose.yml: no depends_on condition service_healthy" grep -q 'condition: service_healthy' docker-compose.yml
check "docker-compose.yml: gateway not on 8080" grep -q ':8080"' docker-compose.yml
for v in USER_SERVICE_URL PRODUCT_SERVICE_URL ORDER_SERVICE_URL PAYMENT_SERVICE_URL DATABASE_URL KAFKA_BROKERS JWT_PRIVATE_KEY; do
  check "docker-compose.yml: no $v" grep -q "$v:" docker-compose.yml
done
check ".env.example: missing" test -f .env.example

total=$((passed + failed))
if ((failed > 0)); then
  echo "check_deploy: FAILED: $failed of $total checks failed ($skipped skipped)"
  exit 1
fi
echo "check_deploy: OK: $passed checks passed ($skipped skipped)"
