# Every target bootstraps its own virtual environment on first use (Python 3.11+ and pip only).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint bench eval docs train clean help

help:
	@echo "make demo   the hands-off story: webhooks in, tags, notes, reminders, follow-up"
	@echo "make test   run the test suite"
	@echo "make lint   ruff, mypy --strict and the import contracts"
	@echo "make bench  throughput and memory against named baselines"
	@echo "make eval   evaluation against ../shared/data (when present)"
	@echo "make docs   build the documentation site into site/"

$(STAMP): pyproject.toml adapters/zendesk/pyproject.toml adapters/jira/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[dev,eval,postgres,server,report]' -e adapters/zendesk -e adapters/jira
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/hands_off.py

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks

eval: $(STAMP)
	$(BIN)/deescalate eval assess

docs: $(STAMP)
	$(BIN)/python tools/generate_docs.py
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) site .mypy_cache .ruff_cache .pytest_cache
