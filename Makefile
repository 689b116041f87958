# Engage: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
# Both set everything up first (virtualenv, pinned Python packages, npm packages, database).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(PY) -m flask --app engage
PYTEST_ARGS ?=

.PHONY: run test setup setup-dev db system-deps bench bench-hall bench-growth clean

run: setup db
	$(FLASK) demo-data --if-empty
	$(PY) -m engage.serve

test: setup-dev system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.runtime-installed node_modules/.package-lock.json

setup-dev: setup $(VENV)/.dev-installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# npm ci installs exactly what package-lock.json pins; node_modules/.package-lock.json is its stamp.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

db: setup
	$(FLASK) init-db

# Chromium for the browser tests, PostgreSQL and Redis for the integration tests.
system-deps:
	bash scripts/system-deps.sh

bench: setup-dev system-deps
	$(PY) bench/run.py
	$(PY) bench/live_votes.py

# Live polls at hall scale and survey submissions, Engage beside a bare ceiling (docs/performance.md).
# BENCH_ARGS passes options, e.g. make bench-hall BENCH_ARGS="--phones 2000 --rate 500 --postgres".
# Two server processes on PostgreSQL and a throwaway Redis (docs/performance.md, "Live polls across
# two processes"): make bench-hall BENCH_ARGS="--processes 2 --redis --phones 5000 --rate 500 --no-surveys"
BENCH_ARGS ?=
bench-hall: setup-dev system-deps
	$(PY) bench/hall.py $(BENCH_ARGS)

# Staff pages at 10k, 100k and 1M survey responses, each beside a bare SQL reference and its own
# 10k figure (docs/performance.md). E.g. make bench-growth GROWTH_ARGS="--sizes 10000,100000 --postgres".
GROWTH_ARGS ?=
bench-growth: setup-dev system-deps
	$(PY) bench/growth.py $(GROWTH_ARGS)

clean:
	rm -rf $(VENV) node_modules
