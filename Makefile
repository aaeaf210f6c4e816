# The project's interface (see README.md). Every target creates what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
BOOT_PY   := $(shell scripts/find_python.sh)
TARGET    ?= local
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help venv generate lint unit contracts terraform-check build e2e up deploy-localstack preflight bench load test clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/dev.txt
	@test -x $(PY) || $(BOOT_PY) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@

venv: $(VENV)/.installed ## create the virtual environment (pinned dependencies)

generate: venv ## generate the event validators from schemas/ and the REST request validators
	$(PY) scripts/contracts/generate.py
	$(PY) scripts/openapi/requests.py

lint: generate ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy functions scripts bench/load

unit: generate ## unit tests (moto) and the local cloud's own tests
	$(PY) -m pytest -q -n 2 tests/unit tests/localcloud tests/bench

contracts: generate ## schema contract checks and the event catalog's freshness
	$(PY) scripts/contracts/check.py
	$(PY) -m pytest -q tests/contract

terraform-check: venv ## terraform fmt, validate, test and checkov
	scripts/terraform_checks.sh

build: generate ## one reproducible zip per function package under dist/
	$(PY) scripts/build.py

e2e: build ## end-to-end suite (TARGET=local|localstack|aws)
	TARGET=$(TARGET) scripts/e2e.sh

up: build ## run the whole system locally with demo data (warm restart when the stack is unchanged; FRESH=1 forces a cold start)
	PYTHONPATH=scripts $(PY) -m localcloud up $(if $(FRESH),--fresh)

LOCALSTACK_ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/' -e 's/amd64/x86_64/')

deploy-localstack: generate ## terraform apply of environments/local into LocalStack (after docker compose up -d localstack)
	$(PY) scripts/build.py --variant lambda --architecture $(LOCALSTACK_ARCH)
	source scripts/terraform_cli_config.sh && cd terraform/environments/local && terraform init -input=false && \
	  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test terraform apply -input=false -auto-approve \
	  -var aws_endpoint_url=$${AWS_ENDPOINT_URL:-http://localhost:4566} \
	  -var package_dir=$(CURDIR)/dist/lambda -var lambda_architecture=$(LOCALSTACK_ARCH)

preflight: venv ## read-only checks of an AWS account before deploying (PREFLIGHT_ARGS="--region ... --sender ... --backend-config ...")
	$(PY) scripts/preflight.py $(PREFLIGHT_ARGS)

bench: build ## benchmarks; figures under bench/results/
	@scripts/install_browser.sh || echo "bench: no Chromium; the console's first load is measured from its module graph"
	$(PY) scripts/bench.py

# Locally it needs the zips (it starts the local cloud when none answers); on AWS the venv.
load: $(if $(filter local,$(TARGET)),build,venv) ## Locust load test, then its checks (TARGET=local|aws, LOAD_USERS, LOAD_RUN_TIME, LOAD_MAX_RPS: docs/load-testing.md)
	TARGET=$(TARGET) PYTHONPATH=bench $(PY) -m load

test: lint unit contracts terraform-check e2e ## everything CI runs

clean: ## remove generated files
	rm -rf dist build .cache functions/shared/contracts/generated
