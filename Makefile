# Tending: `make demo` runs it with demo data; `make test` runs the whole test suite.
# Only python3, make and git are assumed; everything else is installed into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TENDING := $(BIN)/tending
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test serve lint typecheck check lock clean browser-deps

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

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy tending tests

check: $(VENV)/.installed-test
	$(TENDING) makemigrations --check --dry-run
	$(TENDING) check

# Refresh constraints.txt after changing pyproject.toml (needs network access to PyPI).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade "pip==26.3"
	.lock-venv/bin/pip install --quiet -e ".[test,dev]"
	.lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
