# Loss functions, tested -- build, test and publish.
#
#   make book          HTML site, notebooks and course-notebooks.zip -> _build/html
#   make test          system packages + venv, then every test (see README)
#   make pdf           books and handouts, student and instructor editions -> _build/html/pdf/
#   make bench         library benchmarks (python -m benchmarks.run), then build timings
#   make chapter CHAPTER=huber   execute one chapter (nbclient) -> _build/check/huber.ipynb
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
# uv trusts its own copy of Mozilla's roots unless told otherwise; behind a proxy with
# its own certificate authority (in the system store) it must use the system's.
export UV_SYSTEM_CERTS := 1
# The chapters' arrays are small: a multi-threaded OpenBLAS wakes its threads for
# every call and lets them spin, which costs more CPU time than the arithmetic.
export OPENBLAS_NUM_THREADS ?= 1

# Tests that check the built outputs (site, PDFs, book build, notebooks); they
# run after `make book pdf`.  Everything else in tests/ is a unit test.
OUTPUT_TESTS := tests/test_notebooks.py tests/test_book.py tests/test_site.py tests/test_pdf.py \
                tests/test_explorables.py tests/test_pages.py
# The chapters' kernels read scripts/ipython_kernel_config.py, copied into the venv
# (quiet kernel logs, garbage-collector settings).
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py

.PHONY: book pdf test bench chapter clean distclean venv system-deps tex-deps \
        unit-tests output-tests

# ---------------------------------------------------------------- set-up
venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required (set PYTHON=python3.11)")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq $$(grep -E '^uv==' requirements.txt)
	$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.txt -e .
	@mkdir -p $(dir $(KERNEL_CONFIG))
	@cp scripts/ipython_kernel_config.py $(KERNEL_CONFIG)
	@touch $@

system-deps:
	@bash scripts/system_deps.sh all

tex-deps:
	@bash scripts/system_deps.sh tex

# ---------------------------------------------------------------- outputs
# Each chapter is executed once, by jupyter-cache's parallel executor, into the
# cache that the book build, the PDFs and the notebooks then read.  Make skips
# the steps whose inputs did not change (a no-change `make book` is only Sphinx).
INPUTS   := _toc.yml _config.yml requirements.txt pyproject.toml $(wildcard chapters/*.md) \
            $(shell find lossfuncs coursekit -name '*.py' 2>/dev/null) benchmarks/results/latest.json
EXECUTED := $(BUILD)/.executed
BUNDLE   := $(BUILD)/html/course-notebooks.zip

$(EXECUTED): $(STAMP) $(INPUTS) scripts/execute.py
	@mkdir -p $(BUILD)/logs
	$(PY) -m scripts.execute 2>&1 | tee $(BUILD)/logs/execute.log
	@touch $@

$(BUNDLE): $(EXECUTED) $(INPUTS) scripts/notebooks.py
	$(PY) -m scripts.notebooks 2>&1 | tee $(BUILD)/logs/notebooks.log
	@touch $@

book: $(EXECUTED)
	$(JB) build . -W -n --keep-going 2>&1 | tee $(BUILD)/logs/html.log
	@$(MAKE) --no-print-directory $(BUNDLE)

pdf: $(EXECUTED) tex-deps
	$(PY) -m scripts.build_pdfs 2>&1 | tee $(BUILD)/logs/pdf.log

# benchmarks/run.py: exactness, speed and (--build) `make book` timings; then
# benchmarks/build.py adds CPU seconds per chapter and a fresh-clone `make test`,
# and the README's performance section is written from both.
bench: $(STAMP)
	$(PY) -m benchmarks.run --build
	$(PY) -m benchmarks.build
	$(PY) -m benchmarks.readme

chapter: $(STAMP)
	@mkdir -p $(BUILD)/check
	$(PY) -c 'import sys, jupytext, nbclient; nb = jupytext.read(sys.argv[1]); nbclient.execute(nb, cwd="chapters"); jupytext.write(nb, sys.argv[2])' \
	    chapters/$(CHAPTER).md $(BUILD)/check/$(CHAPTER).ipynb

# ---------------------------------------------------------------- tests
unit-tests: $(STAMP)
	$(PY) -m pytest -n $(JOBS) $(addprefix --ignore=,$(OUTPUT_TESTS))

output-tests: $(STAMP)
	$(PY) -m pytest $(OUTPUT_TESTS) -n $(JOBS) --dist loadgroup

test: system-deps $(STAMP)
	$(MAKE) unit-tests
	$(MAKE) book
	$(MAKE) pdf
	$(MAKE) output-tests

# ---------------------------------------------------------------- cleaning
clean:
	rm -rf $(BUILD) .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) *.egg-info
