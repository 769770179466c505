# Loss functions, tested -- build, test and publish.
#
#   make book          HTML site -> _build/html (creates .venv on first use)
#   make test          system packages + venv, then every test (see README)
#   make pdf           whole-book PDF + one handout per chapter -> _build/html/pdf/
#   make bench         python -m benchmarks.run
#   make system-deps   Debian/Ubuntu packages for PDFs and browser tests
#   make clean         remove _build (make distclean also removes .venv)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JB     := $(VENV)/bin/jupyter-book
BUILD  := _build
JOBS   ?= 2

export KERAS_BACKEND := jax
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Tests that check the built outputs (site, PDFs, book build); they run
# after `make book pdf`.  Everything else in tests/ is a unit test.
OUTPUT_TESTS := tests/test_book.py tests/test_site.py tests/test_pdf.py tests/test_explorables.py

.PHONY: book pdf test bench clean distclean venv system-deps tex-deps \
        unit-tests nbval output-tests

# ---------------------------------------------------------------- set-up
venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=python3.11)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet -e .
	@touch $@

system-deps:
	@bash scripts/system_deps.sh all

tex-deps:
	@bash scripts/system_deps.sh tex

# ---------------------------------------------------------------- outputs
# Chapters are first executed in parallel (JOBS kernels) into the execution
# cache; jupyter-book then finds every chapter cached.
book: $(STAMP)
	@mkdir -p $(BUILD)/logs
	$(PY) scripts/execute_chapters.py --jobs $(JOBS) 2>&1 | tee $(BUILD)/logs/execute.log
	$(JB) build . -W -n --keep-going 2>&1 | tee $(BUILD)/logs/html.log

pdf: $(STAMP) tex-deps
	@mkdir -p $(BUILD)/logs
	$(PY) scripts/execute_chapters.py --jobs $(JOBS) 2>&1 | tee $(BUILD)/logs/execute.log
	$(PY) scripts/build_pdfs.py 2>&1 | tee $(BUILD)/logs/pdf.log

bench: $(STAMP)
	$(PY) -m benchmarks.run

# ---------------------------------------------------------------- tests
unit-tests: $(STAMP)
	$(PY) -m pytest tests/ -n $(JOBS) $(addprefix --ignore=,$(OUTPUT_TESTS))

nbval: $(STAMP)
	$(PY) -m pytest --nbval chapters/ -n $(JOBS) --dist loadfile

output-tests: $(STAMP)
	$(PY) -m pytest $(OUTPUT_TESTS) -n $(JOBS) --dist loadfile

test: system-deps $(STAMP)
	$(MAKE) unit-tests
	$(MAKE) nbval
	$(MAKE) book
	$(MAKE) pdf
	$(MAKE) output-tests

# ---------------------------------------------------------------- cleaning
clean:
	rm -rf $(BUILD) .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info
