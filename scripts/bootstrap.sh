#!/usr/bin/env bash
# Installs what is missing from Debian 12's packages to build, run and test the platform.
# Idempotent and fast when everything is there (one dpkg-query). Needs root or sudo to install.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache lld pkg-config make git
  # libraries (Boost 1.81 only: never libboost-dev, which is 1.74 and conflicts)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-program-options1.81-dev
  libsqlite3-dev libsodium-dev libssl-dev libspdlog-dev libfmt-dev libcli11-dev
  # the distributed shape: PostgreSQL (driver + a real server for its tests) and Kafka
  libpq-dev postgresql librdkafka-dev
  # tests
  libgtest-dev libgmock-dev libbenchmark-dev python3 curl
  # checks of the deployment files (`docker compose config` needs no engine)
  docker-compose
)
if [[ "${1:-}" == "--bench" ]]; then
  PACKAGES+=(wrk nginx-light)
fi

missing=()
status=$(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
for p in "${PACKAGES[@]}"; do
  if ! grep -q "^${p} install ok installed$" <<<"$status"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "bootstrap: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# apt's package lists may be missing or stale on a fresh machine.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
