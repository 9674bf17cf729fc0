# monev — two commands for a newcomer: `make demo` and `make test`.
# Every target honours MONEV_HOME (default .monev/ in the checkout).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9
DBT_FILES := $(shell find dbt_project -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -not -path '*/target/*' 2>/dev/null)
MANIFEST := dbt_project/target/manifest.json
export DBT_PROFILES_DIR := $(CURDIR)/dbt_project

.PHONY: venv venv-bi vendor browsers manifest demo test test-stack airflow bi db-start db-stop lint lock lock-bi docs bench clean

venv: $(STAMP)
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# Apache Superset in its own virtualenv: its pins conflict with Airflow's.
BI_VENV := .venv-bi
BI_STAMP := $(BI_VENV)/.installed
venv-bi: $(BI_STAMP)
$(BI_STAMP): bi/requirements.txt $(STAMP)
	$(PYTHON) -m venv $(BI_VENV)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BI_VENV)/bin/python -r bi/requirements.txt
	touch $(BI_STAMP)

# What GX Data Docs load from CDNs, installed from npm (pinned by package-lock.json) so that
# the docs open offline (monev.quality.data_docs copies them into the site).
VENDOR_STAMP := vendor/data_docs/node_modules/.installed
vendor: $(VENDOR_STAMP)
$(VENDOR_STAMP): vendor/data_docs/package.json vendor/data_docs/package-lock.json
	npm ci --prefix vendor/data_docs --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(VENDOR_STAMP)

# Debian's Chromium prints the staff report to PDF and drives the browser tests
# (Playwright never downloads a browser here). Installed with apt when absent: as root, or
# through sudo.
browsers:
	@[ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq chromium; }

# Cosmos renders the dbt project from this manifest (never `dbt ls` at parse time).
manifest: $(MANIFEST)
$(MANIFEST): $(STAMP) $(DBT_FILES)
	cd dbt_project && ../$(BIN)/dbt parse --quiet --target-path target
	touch $(MANIFEST)

db-start: venv
	$(BIN)/monev db start
db-stop: venv
	$(BIN)/monev db stop

demo: venv manifest vendor browsers
	$(BIN)/monev demo

airflow: venv manifest
	$(BIN)/monev airflow

# The staff dashboard in Superset on 127.0.0.1:8088 (after `make demo`), until interrupted.
bi: venv manifest venv-bi
	$(BIN)/monev bi setup
	$(BIN)/monev bi serve

# dbt docs (lineage graph, exposures, catalog of the built warehouse) under MONEV_HOME.
docs: venv manifest
	$(BIN)/monev db start
	$(BIN)/monev docs

# A throwaway MONEV_HOME: its own database cluster, Airflow home and outputs; on two
# pytest-xdist workers, each an instance of its own beneath it (tests/conftest.py). One
# external PostgreSQL (MONEV_PG_HOST) cannot be two instances: the tests then run in one
# process. TEST_WORKERS=0 does that anywhere. Each worker stops its own clusters (the
# instance's and a scratch one); the loop at the end stops any that a killed run left up.
TEST_WORKERS ?= $(if $(MONEV_PG_HOST),0,2)
test: venv manifest vendor browsers
	@home=$$(mktemp -d /tmp/monev-test.XXXXXX); chmod 755 $$home; \
	export MONEV_HOME=$$home; echo "MONEV_HOME=$$home"; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); rc=$$?; \
	for h in $$home $$home/gw* $$home/scratch $$home/gw*/scratch; do \
	  MONEV_HOME=$$h $(BIN)/monev db stop >/dev/null 2>&1; done; \
	rm -rf $$home; exit $$rc

# The real stack: Airflow's scheduler, api-server, dag-processor and triggerer, Celery
# workers on a local Redis; the Superset dashboard in headless Chromium (Debian's
# redis-server, installed here when absent; screenshots in test-artifacts/).
test-stack: venv venv-bi manifest vendor browsers
	@command -v redis-server >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && $$sudo apt-get install -y -qq redis-server; }
	@home=$$(mktemp -d /tmp/monev-stack.XXXXXX); chmod 755 $$home; \
	export MONEV_HOME=$$home; echo "MONEV_HOME=$$home"; \
	$(BIN)/python -m pytest -m stack $(PYTEST_ARGS); rc=$$?; \
	$(BIN)/monev db stop >/dev/null 2>&1; rm -rf $$home; exit $$rc

# Figures, not tests (BENCHMARKS.md): DAG parse, ingestion, national scale at 10% and 100%.
# (tests/project/test_benchmarks.py and tests/stack/test_scale_benchmark.py run each
# script at a tiny scale.)
bench: venv manifest
	$(BIN)/monev db start
	$(BIN)/python benchmarks/dag_parse.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/scale.py --scale 0.1
	$(BIN)/python benchmarks/scale.py --scale 1

lint: venv
	$(BIN)/ruff check include dags tests benchmarks bi
	cd dbt_project && ../$(BIN)/sqlfluff lint models macros tests analyses --processes 2

lock: venv
	$(BIN)/uv pip compile requirements.in --python $(BIN)/python --no-header \
	  --custom-compile-command "make lock" -o requirements.txt

lock-bi: venv
	$(BIN)/uv pip compile bi/requirements.in --python $(BIN)/python --no-header \
	  --custom-compile-command "make lock-bi" -o bi/requirements.txt

clean:
	-$(BIN)/monev db stop
	rm -rf $(VENV) $(BI_VENV) .monev dbt_project/target vendor/data_docs/node_modules
