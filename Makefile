# The one way to set up, run, lint, test and bench billchain.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LINT_VENV := .venv-lint
DATA_DIR ?= .billchain
PYTEST_WORKERS ?= 2

.PHONY: setup run walkthrough demo test lint bench faults fuzz compile clean

setup: $(BIN)/billchain node_modules/.package-lock.json

# Re-installs only when pyproject.toml changed; offline-safe with a local wheel cache.
$(BIN)/billchain: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

compile: setup
	$(BIN)/billchain compile

run: setup
	$(BIN)/billchain serve --chain embedded --host 127.0.0.1 --port 8000 --data-dir $(DATA_DIR)

demo: setup
	$(BIN)/billchain demo

walkthrough: setup
	$(BIN)/billchain walkthrough --data-dir $(DATA_DIR)

test: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

# slither pins web3<8, which the project outgrew: it and pip-audit get a virtualenv of their own.
$(LINT_VENV)/bin/slither:
	test -x $(LINT_VENV)/bin/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet slither-analyzer==0.11.6 pip-audit==2.10.1
	touch $@

# Every detector runs; a finding fails unless slither.db.json triages it (each entry says why).
# pip-audit fails on a known vulnerability of an installed package; a package it cannot look
# up (no route to PyPI's per-version JSON or to OSV) is listed as skipped, not failed.
lint: setup $(LINT_VENV)/bin/slither
	$(BIN)/ruff check chain gateway tests
	$(BIN)/ruff format --check chain gateway tests
	$(BIN)/mypy
	$(BIN)/billchain compile --build-info
	$(LINT_VENV)/bin/slither . --compile-force-framework hardhat --hardhat-ignore-compile \
		--filter-paths node_modules --triage-database slither.db.json
	$(LINT_VENV)/bin/pip-audit --path $(VENV)/lib/python3.11/site-packages --progress-spinner off

# Gas per operation, then operations per second against the raw rate of the same node (BENCHMARKS.md).
bench: setup
	$(BIN)/billchain gas-bench
	$(BIN)/billchain bench --chain embedded --clients 1 --clients 16 --ops 2000 --json bench/embedded.json
	$(BIN)/billchain bench --chain anvil --block-time 1 --ops 10000 --json bench/anvil-1s.json

# SIGKILL under load, deeper than the bounded test in `make test` (docs/RELIABILITY.md).
faults: setup
	$(BIN)/billchain faults --chain embedded --chain anvil --writes 500 --kills 12 --json bench/faults.json

# The contracts' stateful test at 5,000 examples (make test runs 200) over two workers, and
# schemathesis's stateful API test along the OpenAPI links at 300 (make test: 25).
fuzz: setup
	STATEFUL_EXAMPLES=5000 STATEFUL_API_EXAMPLES=300 $(BIN)/pytest -n 2 -q -p no:cacheprovider \
		tests/contracts/test_stateful.py "tests/api/test_schema.py::test_stateful_sequences_along_the_links_give_no_server_error"

clean:
	rm -rf $(VENV) $(LINT_VENV) node_modules artifacts/build-info
