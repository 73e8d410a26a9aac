# The two commands a newcomer needs: `make run` and `make test` (README.md).
# Both install what is missing (scripts/bootstrap.sh), configure and build first.
SHELL := /bin/bash
JOBS ?= 2
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
  BUILD_DIR ?= build/asan
  CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHOP_SANITIZE=ON -DSHOP_BUILD_BENCH=OFF
else
  BUILD_DIR ?= build/release
  CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
endif
HOST ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= $(CURDIR)/var
export CCACHE_SLOPPINESS := pch_defines,time_macros,include_file_mtime,include_file_ctime

.PHONY: all bootstrap configure build run run-distributed test bench lint format clean

all: build

bootstrap:
	@scripts/bootstrap.sh

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS)

# Starts the embedded platform (gateway + four services, SQLite under DATA_DIR) in the foreground.
run: build
	@HOST=$(HOST) PORT=$(PORT) DATA_DIR=$(DATA_DIR) scripts/run-embedded.sh $(BUILD_DIR)/apps/all-in-one/ecommerce-platform

# The distributed shape on this machine: a Kafka-protocol broker (librdkafka's mock cluster), the
# four services and the gateway as separate processes; Ctrl-C stops all of it.
run-distributed: build
	@PORT=$(PORT) DATA_DIR=$(DATA_DIR)/distributed python3 tests/e2e/distributed.py $(BUILD_DIR) --serve

test: build
	@ctest --test-dir $(BUILD_DIR) -j$(JOBS) --output-on-failure --timeout 600

bench: build
	@scripts/bootstrap.sh --bench
	@bench/http.sh $(BUILD_DIR)

lint:
	@tools/check_layers.sh
	@if [ -x tools/check_openapi.sh ]; then tools/check_openapi.sh; fi
	@if [ -x tools/check_deploy.sh ]; then tools/check_deploy.sh; fi

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	@rm -rf build
