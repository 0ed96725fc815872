# Two commands do everything on a fresh machine (see README):
#   make run    install into .venv, then publish the offline snapshot into output/
#   make test   install into .venv (with test tools), then run the test suite
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run test lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/feeds run --sources snapshot/sources.yaml

test: $(STAMP)
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check feeds tests bench scripts
	$(VENV)/bin/ruff format --check feeds tests bench scripts

format: $(STAMP)
	$(VENV)/bin/ruff check --fix feeds tests bench scripts
	$(VENV)/bin/ruff format feeds tests bench scripts

clean:
	rm -rf $(VENV) state
	find output -type f ! -name .gitkeep -delete
