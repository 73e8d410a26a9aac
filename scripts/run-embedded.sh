#!/usr/bin/env bash
# Starts the all-in-one binary for `make run`: creates DATA_DIR, makes sure an admin account can be
# bootstrapped (ADMIN_EMAIL / ADMIN_PASSWORD, a password generated once and kept in
# DATA_DIR/admin-password when not given), loads the demo catalog into an empty store, and prints
# how to use it. Ctrl-C (SIGINT) or SIGTERM stops the platform gracefully.
set -euo pipefail
BIN=${1:?usage: run-embedded.sh <path to ecommerce-platform>}
export HOST=${HOST:-127.0.0.1} PORT=${PORT:-8080} DATA_DIR=${DATA_DIR:-$PWD/var}
mkdir -p "$DATA_DIR"
export ADMIN_EMAIL=${ADMIN_EMAIL:-admin@example.com}
if [[ -z "${ADMIN_PASSWORD:-}" ]]; then
  if [[ ! -s "$DATA_DIR/admin-password" ]]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DATA_DIR/admin-password")
  fi
  ADMIN_PASSWORD=$(cat "$DATA_DIR/admin-password")
fi
export ADMIN_PASSWORD
export DEMO_CATALOG=${DEMO_CATALOG:-1}
BASE="http://$HOST:$PORT"
cat <<MSG
ecommerce-platform (embedded shape): gateway + user, product, order and payment services
  API:      $BASE/api/v1/...      (docs/api/openapi.yaml)
  health:   $BASE/health   ready: $BASE/ready   metrics: $BASE/metrics
  data:     $DATA_DIR (one SQLite file per service)
  admin:    $ADMIN_EMAIL / password in $DATA_DIR/admin-password (or your ADMIN_PASSWORD)
            curl -s -X POST $BASE/api/v1/auth/login -H 'Content-Type: application/json' \\
              -d '{"email":"$ADMIN_EMAIL","password":"<password>"}'
  stop:     Ctrl-C
MSG
exec "$BIN"
