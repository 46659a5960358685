# The one way to set up, run, lint, test and bench billchain.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
LINT_VENV := .venv-lint
CODEGEN_VENV := .venv-codegen
DATA_DIR ?= .billchain
# make test: three workers on two cores (the node tests mostly wait for blocks); test-fast's are CPU-bound: two
PYTEST_WORKERS ?= 3
FAST_WORKERS ?= 2
GETH_VERSION := v1.13.15
GETH := $(HOME)/.cache/billchain/geth-$(GETH_VERSION)/geth
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

.PHONY: setup native-prover test-deps zk-keys run walkthrough demo test test-fast lint audit bench faults fuzz compile clean

setup: $(BIN)/billchain node_modules/.package-lock.json $(GETH) native-prover

# geth v1.13.15, the last release that seals Clique blocks (billchain_tools/clique.py), for the network
# tests: built once from the Go module proxy into a cache outside the clone (a fresh clone finds it),
# Go's own caches beside it. -checklinkname=0: v1.13.15 links fjl/memsize, which Go >= 1.23 refuses otherwise.
$(GETH):
	CGO_ENABLED=1 GOBIN=$(dir $(GETH)) go install -ldflags=-checklinkname=0 github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION)
	$(GETH) version | head -2

# The native Groth16 prover (prover/, Rust, crates from crates.io at Cargo.lock's versions): built into a
# cache outside the clone (chain/zk/toolchain.py NATIVE_PROVER finds it there); cargo makes it only when
# its sources changed (about 40 s of CPU the first time), so this runs on every setup.
native-prover:
	CARGO_TARGET_DIR=$(HOME)/.cache/billchain/prover-target cargo build --quiet --release --locked --manifest-path prover/Cargo.toml

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
	$(BIN)/billchain compile  # into chain/artifacts/ (package data; commit them)

run: setup
	$(BIN)/billchain serve --chain embedded --host 127.0.0.1 --port 8000 --data-dir $(DATA_DIR)

demo: setup
	$(BIN)/billchain demo

walkthrough: setup
	$(BIN)/billchain walkthrough --data-dir $(DATA_DIR)

# What only the tests need from Debian: PostgreSQL (its binaries; the tests start their own cluster), and
# Chromium with a CJK font for the console's browser tests and screenshots (Playwright drives Debian's
# browser: `playwright install` cannot download one here). Installed when missing and this runs as root;
# else the tests that need them say what is missing.
test-deps:
	@missing=""; \
	{ ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; } || missing="$$missing postgresql"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	[ -z "$$missing" ] || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null); } || \
	  echo "not installed and cannot be installed here:$$missing (the tests that need them will fail)"

# The confidential platform's circuits and the dev chains' ceremony (docs/PRIVACY.md §6): built once per
# version of the circuits into a cache outside the clone (~/.cache/billchain/zk-dev-15/), as geth is. The
# first build takes about 20 minutes of CPU (phase 1's preparation); after that this is a hash check.
zk-keys: $(BIN)/billchain node_modules/.package-lock.json
	$(BIN)/billchain ceremony dev

test: setup test-deps zk-keys $(CODEGEN_VENV)/bin/openapi-python-client
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q --durations=40

# openapi-python-client pins typer<0.28, which the project outgrew: it gets a virtualenv of its own, where
# the client it generates from /openapi.json also runs (tests/e2e/test_generated_client.py).
$(CODEGEN_VENV)/bin/openapi-python-client: Makefile
	test -x $(CODEGEN_VENV)/bin/python || $(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/python -m pip install --quiet openapi-python-client==0.29.1 python-dateutil==2.9.0.post0
	touch $@

# The inner loop (under 3 minutes): unit, contracts without the stateful test, the API on the embedded
# chain and SQLite; nothing that starts a node or a subprocess gateway (markers in pyproject.toml).
test-fast: setup zk-keys
	$(BIN)/pytest -n $(FAST_WORKERS) --dist loadgroup -q -m "not slow and not anvil and not postgres and not network and not browser"

# slither pins web3<8, which the project outgrew: it and pip-audit get a virtualenv of their own.
$(LINT_VENV)/bin/slither: Makefile
	test -x $(LINT_VENV)/bin/python || $(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet slither-analyzer==0.11.6 pip-audit==2.10.1
	touch $@

# ruff, mypy, the layer contract (pyproject.toml [tool.importlinter]) and import cycles, then slither
# with every detector: a finding fails unless slither.db.json triages it (each entry says why). slither
# reads the build-info `billchain compile` writes (hardhat layout; --npx-disable: no Hardhat is run, and
# crytic-compile's note that it could not ask Hardhat for its paths, it uses the defaults, is filtered).
# The contracts: prettier's format (.prettierrc.json) and solhint:recommended (.solhint.json), any warning
# failing (--disc: no network check for a newer solhint; --noPoster: no advertisement). Off in .solhint.json,
# where they fight a deliberate choice: use-natspec (tests/chain/test_compile.py requires the project's NatSpec:
# @notice, @param and @return, or @inheritdoc, on every external and public function; the rule also wants
# @author and @title on every contract and @notice on every event), gas-indexed-events (which event fields are
# indexed is the ABI the gateway's indexer reads), gas-strict-inequalities (a bound is written as DOMAIN.md
# states it: `maturityDay - day > MAX_TENOR_DAYS`, not `>= MAX_TENOR_DAYS + 1`), immutable-vars-naming (private
# immutables are `_registry`, OpenZeppelin's naming of private state, not constants' CAPITALS),
# interface-starts-with-i (interfaces/<Name>Errors.sol hold one contract's custom errors beside its I<Name>.sol);
# func-visibility ignores constructors (solc >= 0.7 gives them none). Inline, each with its reason: the EIP-712
# type strings, the relay's assembly and low-level call, two constructors' require, the records' enum packing.
lint: setup $(LINT_VENV)/bin/slither
	$(BIN)/ruff check chain gateway billchain_tools billchain_client tests scripts
	$(BIN)/ruff format --check chain gateway billchain_tools billchain_client tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_imports.py
	node_modules/.bin/tsc -p gateway/console
	cargo fmt --check --manifest-path prover/Cargo.toml
	CARGO_TARGET_DIR=$(HOME)/.cache/billchain/prover-target cargo clippy --quiet --release --locked --manifest-path prover/Cargo.toml -- -D warnings
	node_modules/.bin/solhint --max-warnings 0 --disc --noPoster 'contracts/**/*.sol'
	node_modules/.bin/prettier --check 'contracts/**/*.sol'
	$(BIN)/billchain compile --build-info
	$(LINT_VENV)/bin/slither . --compile-force-framework hardhat --hardhat-ignore-compile --npx-disable \
		--filter-paths node_modules --triage-database slither.db.json 2>&1 | grep -v "^Problem executing hardhat"

# pip-audit fails on a known vulnerability of an installed package. It needs PyPI's per-version JSON
# API or OSV, which this network does not reach (every package is then "skipped"): run it where it does.
audit: setup $(LINT_VENV)/bin/slither
	$(LINT_VENV)/bin/pip-audit --path $(VENV)/lib/python3.11/site-packages --progress-spinner off

# Gas per operation, then operations per second against the raw rate of the same node (BENCHMARKS.md).
bench: setup
	$(BIN)/billchain gas-bench
	$(BIN)/billchain rpc-bench
	$(BIN)/billchain bench --chain embedded --clients 1 --clients 16 --ops 2000 --json bench/embedded.json
	$(BIN)/billchain bench --chain anvil --block-time 1 --clients 64 --clients 256 --ops 5120 --batch-size 50 \
		--json bench/anvil-1s.json
	$(BIN)/billchain bench --chain anvil --block-time 1 --clients 64 --clients 256 --ops 5120 --bundle-writes \
		--json bench/anvil-1s-bundled.json
	$(BIN)/billchain bench --chain anvil --block-time 1 --gas-limit 1000000000 --clients 256 --no-gateway \
		--ops 25600 --batch-size 256 --json bench/anvil-1s-1g-batches.json
	$(BIN)/billchain bench --chain anvil --block-time 1 --gas-limit 300000000 --clients 1024 --ops 10240 \
		--bundle-writes --json bench/anvil-1s-300m-1024-bundled.json
	$(BIN)/billchain bench --chain network --clients 64 --ops 1280 --bundle-writes --waiting --json bench/network-1s-64-bundled.json

# SIGKILL under load, deeper than the bounded test in `make test` (docs/RELIABILITY.md).
faults: setup
	$(BIN)/billchain faults --chain embedded --chain anvil --writes 500 --kills 12 --json bench/faults.json

# The contracts' stateful test at 5,000 examples (make test runs 200) over two workers, and
# schemathesis's stateful API test along the OpenAPI links at 300 (make test: 25).
fuzz: setup
	STATEFUL_EXAMPLES=5000 STATEFUL_API_EXAMPLES=300 $(BIN)/pytest -n 2 -q -p no:cacheprovider \
		tests/contracts/test_stateful.py "tests/api/test_schema.py::test_stateful_sequences_along_the_links_give_no_server_error"

clean:
	rm -rf $(VENV) $(LINT_VENV) $(CODEGEN_VENV) node_modules artifacts/build-info
