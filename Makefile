# The README's commands. Everything installs into .venv; nothing leaves the machine but package downloads.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: demo test lint eval bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TESTSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

install: $(STAMP)

## make demo: install, serve samples/ on 127.0.0.1, run the daily job on them, print the queue
demo: $(STAMP)
	$(BIN)/python -m tools.demo

## make test: install the test dependencies, what the suite needs beyond Python (tools/setup-system.sh:
## Debian's chromium for the browser test; as non-root it says what to install), and run the whole suite
test: $(TESTSTAMP)
	bash tools/setup-system.sh
	$(BIN)/python -m pytest -q

## make lint: ruff, mypy and the layers of the stages (import-linter, contract in pyproject.toml)
lint: $(TESTSTAMP)
	$(BIN)/ruff check monitor tests tools
	$(BIN)/mypy
	$(BIN)/lint-imports

## make eval: accuracy on the gold set (eval.json), on the held-out sets written blind (eval-holdout*.json)
## and on the dev set of real pages in ../shared (eval-icc-dev.json), then end to end: the dev set served as
## outlets on 127.0.0.1 and a real `monitor run` whose queue is scored (eval-icc-dev-e2e.json); the dev set
## lines are skipped when ../shared is absent
DEVSET := ../shared/realworld/icc-dev/articles.jsonl
HOLDOUTS = $(sort $(notdir $(wildcard tests/data/holdout*)))  # every held-out set, each written blind
eval: $(TESTSTAMP)
	$(BIN)/python -m tools.evaluation --gold tests/data/gold --out eval.json
	@for set in $(HOLDOUTS); do \
		echo "$(BIN)/python -m tools.evaluation --gold tests/data/$$set --out eval-$$set.json --errors 0"; \
		$(BIN)/python -m tools.evaluation --gold tests/data/$$set --out eval-$$set.json --errors 0 || exit 1; \
	done
	@if [ -f $(DEVSET) ]; then \
		echo "$(BIN)/python -m tools.evaluation --devset $(DEVSET) --out eval-icc-dev.json"; \
		$(BIN)/python -m tools.evaluation --devset $(DEVSET) --out eval-icc-dev.json; \
		echo "$(BIN)/python -m tools.evaluation --devset-e2e $(DEVSET) --out eval-icc-dev-e2e.json"; \
		$(BIN)/python -m tools.evaluation --devset-e2e $(DEVSET) --out eval-icc-dev-e2e.json; \
	else \
		echo "make eval: dev set skipped: $(DEVSET) is not beside this checkout (eval-icc-dev.json and" \
			"eval-icc-dev-e2e.json not written)"; \
	fi

## make bench: speed and memory on a generated corpus of N pages (default 10000; e.g. make bench N=2000);
## prints the figures and the targets, writes bench.json and bench-profile.txt (see docs/bench.md)
N ?= 10000
bench: $(STAMP)
	$(BIN)/python -m tools.bench --pages $(N) --out bench.json --profile-out bench-profile.txt

## make docs: regenerate docs/cli.md, the CLI reference, from the commands' --help (tests/test_cli_docs.py checks it)
.PHONY: docs
docs: $(TESTSTAMP)
	$(BIN)/cog -r -n utf-8 docs/cli.md

clean:
	rm -rf $(VENV) demo.db demo-logs eval.json eval-*.json bench.json bench-profile.txt .pytest_cache .mypy_cache .ruff_cache
