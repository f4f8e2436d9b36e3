# Every target bootstraps what it needs: a machine with python3, make and the
# package registries is enough. The project lives in .venv (uv, locked by
# uv.lock); uv itself and the npm linter live in .tools/.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
REDOCLY_VERSION := 2.77.0
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
VENV := .venv
BIN := $(VENV)/bin
REDOCLY := $(TOOLS)/node_modules/.bin/redocly
SPEC := openapi/contacts.yaml
# Every spec `make lint` checks: the shipped one, and the second member of the
# family (a test asset that proves the engine generic).
SPECS := $(SPEC) tests/specs/conversations.yaml
GEN_DIR := generated_client

# uv must use the machine's python3 and never download an interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export UV_NO_PROGRESS := 1
# The generator's post-hooks call ruff: take the pinned one from .venv.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: help install generate check-generated lint test contract fake bench mutants stress clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(UV):
	$(PYTHON) -m venv $(TOOLS)/uv
	$(TOOLS)/uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet --all-extras
	touch $@

install: $(VENV)/.synced ## create .venv with the project, its console scripts and dev tools

$(REDOCLY):
	mkdir -p $(TOOLS)
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) @redocly/cli@$(REDOCLY_VERSION)

generate: $(VENV)/.synced ## regenerate generated_client/ from the spec
	$(BIN)/python scripts/generate.py

check-generated: $(VENV)/.synced ## fail if generated_client/ differs from a fresh generation
	$(BIN)/python scripts/generate.py --check

lint: $(VENV)/.synced $(REDOCLY) ## spec linters and its x-kapso-* extensions, ruff, mypy (strict), deptry, import rules
	$(BIN)/openapi-spec-validator $(SPECS)
	$(REDOCLY) lint --config openapi/redocly.yaml $(SPECS)
	$(BIN)/python scripts/lint_spec.py $(SPECS)
	$(BIN)/deptry .
# deptry leaves tests/ out by default and the project's config leaves out the tooling:
# this run scans exactly those (the --exclude and --extend-exclude given replace both).
	$(BIN)/deptry scripts benchmarks tests examples --ignore DEP002,DEP004 \
	  --exclude '\.venv|\.tools' --extend-exclude '\.tools'
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: lint check-generated ## everything CI runs: lint, golden record, unit tests, contract suite
	$(BIN)/pytest
	env -u KAPSO_BASE_URL -u KAPSO_API_KEY $(MAKE) --no-print-directory contract

contract: $(VENV)/.synced ## the contract suite (embedded fake, or KAPSO_BASE_URL + KAPSO_API_KEY)
	$(BIN)/kapso-contract

fake: $(VENV)/.synced ## serve the fake on 127.0.0.1:8080 (KEY=..., CONTACTS=..., SEED=...)
	$(BIN)/kapso-fake --host 127.0.0.1 --port $${PORT:-8080} --contacts $${CONTACTS:-1000} \
	  --seed $${SEED:-1} $${KEY:+--api-key $$KEY}

bench: $(VENV)/.synced ## the fake vs a silent Prism, make contract time, memory and deep pages (QUICK=1: short)
	bash scripts/install_bench_tools.sh
	$(BIN)/python -m benchmarks.run $(if $(QUICK),--quick)

mutants: $(VENV)/.synced ## mutation gauge: is every mutant caught on every seed? (reports/, docs/mutants.md)
	$(BIN)/python -m scripts.gauge $(ARGS)

stress: $(VENV)/.synced ## long drills: a 10,000-case fuzz and a 64-connection load of the fake
	$(BIN)/python -m scripts.stress $(ARGS)

clean: ## remove the environments and caches
	rm -rf $(VENV) $(TOOLS) .mypy_cache .ruff_cache .pytest_cache .hypothesis reports
