# admit: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
JOBS ?= 2
ADMIT_RELEASE := build/release/src/admit
ADMIT_DEBUG := build/debug/src/admit
export ADMIT_DATA_DIR ?= data
export ADMIT_DATABASE ?= sqlite:data/admit.db
export ADMIT_WEB_ROOT ?= web/dist

.PHONY: run test build build-debug web deps bench soak clean

deps:
	@scripts/install-deps

# The web app, rebuilt only when its sources changed.
web: deps
	@if [ ! -f web/dist/index.html ] || [ -n "$$(find web/src web/index.html web/package.json api/openapi.yaml -newer web/dist/index.html 2>/dev/null | head -1)" ]; then \
	  echo "building web app"; (cd web && npm run build); fi

build: deps web
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS) --target admit

build-debug: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS)

# Serve the app with demo data on http://127.0.0.1:8080 (SQLite, mail to data/outbox).
run: build
	@mkdir -p $(ADMIT_DATA_DIR)
	$(ADMIT_RELEASE) migrate
	$(ADMIT_RELEASE) demo
	@echo "admit is serving on http://$${ADMIT_LISTEN:-127.0.0.1:8080}"
	$(ADMIT_RELEASE) serve

# Every test suite: unit, store conformance on SQLite and PostgreSQL, HTTP against the
# real binary on both backends, web unit tests, and the browser journeys in Chromium.
test: build-debug
	ctest --test-dir build/debug --output-on-failure -j $(JOBS) --timeout 900

# Thousands of simulated power cuts under a registration load (tests/integration/powercut):
# SOAK_ROUNDS rounds (a cut in most) per mode, SOAK_SEED for another sequence (each run
# prints its seed); the server's logs go to build/debug/soak.log.
SOAK_ROUNDS ?= 1500
soak: deps
	cmake --preset debug >/dev/null
	cmake --build --preset debug -j $(JOBS) --target admit_powercut_tests
	ADMIT_POWERCUT_ROUNDS=$(SOAK_ROUNDS) ADMIT_POWERCUT_SEED=$${SOAK_SEED:-$$(date +%s)} \
	  build/debug/tests/admit_powercut_tests 2>build/debug/soak.log

bench: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)
	bench/run.sh

clean:
	rm -rf build web/dist
