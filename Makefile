# NovaRium: `make run` sets up everything and starts the app; `make test` sets up everything and runs the suite.
# Every step is idempotent: a second run skips what is already done.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The suite runs in parallel workers (pytest-xdist): one worker takes every browser test, in order (they share one
# served app per backend), while the others take the unit and storage tests. The browser tests leave a core idle
# while they wait on the app and the browser, so two workers fit a two-core machine.
TEST_WORKERS ?= 2
TOOLCHAIN := toolchain/node_modules/.bin
export PATH := $(CURDIR)/$(TOOLCHAIN):$(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export TELEMETRY_ENABLED := false
export NEXT_TELEMETRY_DISABLED := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup python toolchain browser postgres warehouse lint bench clean

run: setup warehouse ## Set up and start the app at http://localhost:3000 (Lab at /, shop at /shop)
	$(BIN)/novarium check >/dev/null
	$(BIN)/novarium serve

test: setup browser postgres ## Set up and run the whole suite: unit, storage (DuckDB + PostgreSQL) and e2e
	$(BIN)/ruff check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

setup: python toolchain

python: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

toolchain: toolchain/node_modules/.installed

toolchain/node_modules/.installed: toolchain/package.json toolchain/package-lock.json
	cd toolchain && npm ci --no-audit --no-fund --loglevel=error
	@$(TOOLCHAIN)/node --version && $(TOOLCHAIN)/bun --version
	@touch $@

browser: ## Debian's chromium (and a Korean font, for the Korean UI) for the browser tests
	@command -v chromium >/dev/null && fc-list :lang=ko | grep -q . || \
		(apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk)

postgres: ## Make sure the local PostgreSQL server answers
	@bash scripts/ensure_postgres.sh

warehouse: python ## Generate the default warehouse and marts if none exist
	$(BIN)/novarium seed --if-empty

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: setup postgres
	$(BIN)/python bench/bench_seed.py --backend both
	$(BIN)/python bench/bench_marts.py --backend both
	$(BIN)/python bench/bench_api.py
	$(BIN)/python bench/bench_api.py --backend postgres
	$(BIN)/python bench/fuzz_api.py
	$(BIN)/python bench/fuzz_api.py --backend postgres
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_swarm.py
	$(BIN)/python bench/bench_stats.py
	$(BIN)/python bench/bench_monitor.py
	$(BIN)/python bench/bench_coach.py
	$(BIN)/python bench/bench_sql_lab.py
	$(BIN)/python bench/bench_sql_lab.py --backend postgres
	$(BIN)/python bench/bench_site_guard.py

clean: ## Remove build output (keeps data/, .venv and the toolchain)
	rm -rf .web .states
