# The PASC platform: one entry point for people and CI.
#   make up / make down / make logs   the local stack (Kafka, PostgreSQL, the four services)
#   make test                          lint + unit + integration tests on a real broker and database
#   make contracts                     regenerate JSON Schemas, AsyncAPI documents, topic map

SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PY := .venv/bin/python
STACK := $(PY) deploy/local/stack.py
TEST_PATHS := contracts/tests runtime/tests simulator/tests $(wildcard services/*/tests) tests

.PHONY: help install up down logs status infra-up infra-down reset contracts contracts-check \
	lint format test test-unit test-integration

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: ## install uv if missing, then the workspace (all services, dev tools) from uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --all-packages --frozen --quiet

up: install ## start Kafka, PostgreSQL and the four services (data is kept between runs)
	@$(STACK) up

down: ## stop everything `make up` started
	@if [ -x $(PY) ]; then $(STACK) down; fi

logs: ## follow the logs of every process
	@$(STACK) logs

status: ## what runs, and the services' health
	@$(STACK) status

infra-up: install ## start only Kafka and PostgreSQL
	@$(STACK) infra-up

infra-down: down

reset: install ## stop and delete the local data (Kafka topics, databases); keeps the downloads
	@$(STACK) reset

contracts: install ## regenerate the contract documents (refuses a breaking change)
	@$(PY) -m pasc_contracts.generate

contracts-check: install
	@$(PY) -m pasc_contracts.generate --check

lint: install contracts-check ## ruff (lint, format, security rules), mypy (strict on contracts)
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen mypy contracts/src runtime/src

format: install
	@$(UV) run --frozen ruff format .
	@$(UV) run --frozen ruff check --fix .

test: lint ## lint, then every test on a real broker and database (started here if needed)
	@$(PY) deploy/local/with_infra.py $(UV) run --frozen pytest $(TEST_PATHS)

test-unit: install
	@$(UV) run --frozen pytest -m "not integration" $(TEST_PATHS)
