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

.PHONY: help install up demo down logs status infra-up infra-down reset contracts contracts-check \
	lint audit format test test-faults test-unit test-integration ops-deps browser-deps kube-manifests bench bench-quick

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: ## install uv if missing, then the workspace (all services, dev tools) from uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@$(UV) sync --all-packages --frozen --quiet

up: install ## start Kafka, PostgreSQL and the four services (data is kept between runs)
	@$(STACK) up

demo: up ## the whole Center doing its job: plan, catalog, a simulated month of dossiers, the figures (MONTH=2026-05: today's organisation)
	@$(PY) -m pasc_simulator.demo $(if $(MONTH),--month $(MONTH))

down: ## stop everything `make up` started (and the demo's receivers)
	@if [ -f .pasc/run/receivers.pid ]; then kill $$(cat .pasc/run/receivers.pid) 2>/dev/null || true; rm -f .pasc/run/receivers.pid; fi
	@if [ -x $(PY) ]; then $(STACK) down; fi

logs: ## follow the logs of every process
	@$(STACK) logs

status: ## what runs, and whether each service is ready (/ready)
	@$(STACK) status

infra-up: install ## start only Kafka and PostgreSQL
	@$(STACK) infra-up

infra-down: down

reset: install ## stop and delete the local data (Kafka topics, databases); keeps the downloads
	@$(STACK) reset

contracts: install ## regenerate the contract documents (refuses a breaking change) and the error-code table
	@$(PY) -m pasc_contracts.generate
	@$(PY) -m pasc_runtime.error_table

contracts-check: install
	@$(PY) -m pasc_contracts.generate --check
	@$(PY) -m pasc_runtime.error_table --check

lint: install contracts-check audit ## ruff (lint, format, security rules), mypy, pip-audit
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen mypy contracts/src runtime/src services/*/src

audit: install ## pip-audit: known vulnerabilities in the packages uv.lock pins
	@$(PY) deploy/local/audit_dependencies.py

format: install
	@$(UV) run --frozen ruff format .
	@$(UV) run --frozen ruff check --fix .

test: lint ops-deps browser-deps ## lint, then every test on a real broker and database (started here if needed)
	@$(PY) deploy/local/with_infra.py $(UV) run --frozen pytest $(TEST_PATHS)

# Not part of `make test`: it starts its own three-broker Kafka cluster and PostgreSQL (never the
# shared stack's), breaks them on purpose and takes 11 to 14 minutes.
test-faults: install ## fault injection: kill brokers, services, PostgreSQL; nothing lost or doubled
	@PASC_FAULTS=1 PASC_INFRA_ONLY=keycloak $(PY) deploy/local/with_infra.py $(UV) run --frozen pytest tests/faults -p no:cacheprovider

# The benchmark starts its own three-broker Kafka cluster and this checkout's services
# (bench/private_stack.py); it needs the local PostgreSQL and Keycloak, started here if needed.
bench: install ## the benchmark (200k records a phase, 20k/1M/5M dossiers of history; 35-60 min here): bench/results/latest.json and a table
	@PASC_INFRA_ONLY=postgres,keycloak $(PY) deploy/local/with_infra.py $(PY) bench/run.py $(ARGS)

bench-quick: install ## the same, smaller (a quarter of an hour), to check a change
	@PASC_INFRA_ONLY=postgres,keycloak $(PY) deploy/local/with_infra.py $(PY) bench/run.py --quick $(ARGS)

# The operations tests' tools: promtool and prometheus (Debian's package; as root, like `make up`
# installs postgresql) and kustomize (kubectl's built-in one, else built from the Go module proxy).
KUSTOMIZE_VERSION := v5.7.1
ops-deps: ## install what the operations tests need, when missing (promtool, prometheus, kustomize)
	@command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || { \
		echo "installing Debian's prometheus (promtool)"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
	@command -v kustomize >/dev/null 2>&1 || kubectl kustomize --help >/dev/null 2>&1 \
		|| [ -x .pasc/bin/kustomize ] || { echo "building kustomize $(KUSTOMIZE_VERSION)"; \
		GOBIN=$(CURDIR)/.pasc/bin go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION); }

browser-deps: ## Debian's chromium (and a font with Vietnamese) for the dashboard's browser test
	@[ -x /usr/bin/chromium ] || { echo "installing Debian's chromium"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }

kube-manifests: install ## regenerate deploy/k8s's topics, Kafka users, PrometheusRule, dashboards
	@$(PY) deploy/k8s/generate.py

test-unit: install
	@$(UV) run --frozen pytest -m "not integration" $(TEST_PATHS)
