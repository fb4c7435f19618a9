# crmmine: `make demo` writes report.html for the embedded sample; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXTRAS ?= dev,spark
PYTEST_ARGS ?=
# the demo needs crmmine alone; the tests, linter, docs and benchmarks need the dev extras
DEMO_STAMP := $(VENV)/.crmmine-core
DEV_STAMP  := $(VENV)/.crmmine-dev

.PHONY: demo test docs bench lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(DEV_STAMP) $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/crmmine report -o report.html

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks examples

docs: $(DEV_STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

bench: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS),bench]"
	for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) site report.html .pytest_cache .ruff_cache .hypothesis
