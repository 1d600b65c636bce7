# slaops: one entry point for every check. `make test` is what CI runs; `make run` starts the local stack.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHONPATH := layers/sla_core:.

.PHONY: install test lint typecheck unit template build run bench clean

$(BIN)/.installed: requirements-dev.txt layers/sla_core/requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy layers/sla_core/sla_core functions tests bench

unit: install
	$(BIN)/pytest

template: $(BIN)/.installed
	$(BIN)/cfn-lint template.yaml
	$(BIN)/sam validate --lint --region us-east-1

build: $(BIN)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/sam build --build-dir .aws-sam/build

# Every check: lint, types, unit and integration tests (DynamoDB Local started by the tests), template, build.
test: lint typecheck unit template build

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf .aws-sam .local .pytest_cache .mypy_cache .ruff_cache
