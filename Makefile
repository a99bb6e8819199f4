# Tending: `make demo` runs it with demo data; `make test` runs the whole test suite.
# Only python3, make and git are assumed; everything else is installed into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TENDING := $(BIN)/tending
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test serve lint typecheck check lock clean browser-deps security sbom scan-tools verify \
	schema-docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"

# Reinstall only when the dependency list or the lock file changes, so reruns are fast.
$(VENV)/.installed-app: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,dev]"
	@touch $@ $(VENV)/.installed-app

demo: $(VENV)/.installed-app
	$(TENDING) migrate --noinput
	$(TENDING) demo-data
	@echo "Tending is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	TENDING_SITE_URL="$${TENDING_SITE_URL:-http://$(HOST):$(PORT)}" \
		$(BIN)/gunicorn tending.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - --log-level warning

# axe-core for the accessibility checks, from npm into node_modules/ (ignored by git).
# Without npm the browser tests skip and say why.
browser-deps:
	@if command -v npm >/dev/null 2>&1; then \
		[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

test: $(VENV)/.installed-test browser-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy tending tests

check: $(VENV)/.installed-test
	$(TENDING) makemigrations --check --dry-run
	$(TENDING) check

# The field reference in each data folder's SCHEMA.md, from the pydantic model its files are
# checked against; tests/test_schema_docs.py fails until this is run after a model changes.
schema-docs: $(VENV)/.installed-app
	$(BIN)/python -m tending.schema_docs

# Static security checks: bandit over the code (settings in pyproject.toml) and ruff's S rules.
security: $(VENV)/.installed-test
	$(BIN)/bandit -c pyproject.toml -r tending -q
	$(BIN)/ruff check --select S .

# A CycloneDX SBOM of the pinned runtime dependencies, committed; a test checks it matches
# constraints.txt. Run after `make lock`.
sbom: $(VENV)/.installed-test
	rm -rf .sbom-venv && $(PYTHON) -m venv --without-pip .sbom-venv
	$(BIN)/pip --python .sbom-venv/bin/python install --quiet -c constraints.txt .
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --output-reproducible \
		--of JSON -o docs/security/sbom.cdx.json .sbom-venv/bin/python
	$(BIN)/python docs/security/sbom_licenses.py docs/security/sbom.cdx.json
	rm -rf .sbom-venv build

# wapiti and sqlmap in their own environment: their pins clash with Django 5.2's.
scan-tools: .venv-scan/.installed
.venv-scan/.installed: bench/scan-requirements.txt
	rm -rf .venv-scan && $(PYTHON) -m venv .venv-scan
	.venv-scan/bin/python -m pip install --quiet --upgrade "pip==26.3"
	.venv-scan/bin/pip install --quiet -r bench/scan-requirements.txt
	@touch $@

# locust for the load test (bench/load.py), from the `bench` dependency group.
$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(VENV)/.installed-test
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,dev,bench]"
	@touch $@

# The full black-box scan (about 40 minutes): see bench/scan.py and docs/security/.
# The load test: 2 minutes per database, then reconciliation (bench/README.md).
# The isolation properties with 500 examples each instead of CI's 25.
verify: $(VENV)/.installed-test scan-tools $(VENV)/.installed-bench
	$(BIN)/python -m bench.scan
	$(BIN)/python -m bench.load --duration 600  # T41: ten minutes a database
	TENDING_FAULTS_HEAVY=1 TENDING_FAULT_ROUNDS=10 TENDING_FAULT_WRITES=150 \
		$(BIN)/pytest -p no:cacheprovider -n 0 -s tests/faults
	TENDING_HYPOTHESIS_EXAMPLES=500 $(BIN)/pytest -p no:cacheprovider -n 0 tests/test_access_properties.py
	# The same kill -9 loop on PostgreSQL, and its outage test, when PostgreSQL is running.
	if pg_isready -h 127.0.0.1 -p 5432 -q; then \
		TENDING_FAULTS_HEAVY=1 TENDING_FAULT_ROUNDS=10 \
		DATABASE_URL=postgres://postgres@127.0.0.1:5432/tending_ci $(BIN)/pytest \
		-p no:cacheprovider -n 0 -s tests/faults/test_kill9.py tests/faults/test_database_outage.py; \
	fi

# Refresh constraints.txt after changing pyproject.toml (needs network access to PyPI).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade "pip==26.3"
	.lock-venv/bin/pip install --quiet -e ".[test,dev,bench]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .venv-scan node_modules .pytest_cache .mypy_cache .ruff_cache
