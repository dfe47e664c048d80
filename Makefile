# Two commands work on a fresh machine: `make demo` and `make test`. Each makes its own virtual
# environment when it is missing, so nothing else has to be run first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DYAD_STORE ?= $(CURDIR)/.dyad/demo-store
export DYAD_STORE

.PHONY: demo test bench venv clean

$(BIN)/dyad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/dyad

venv: $(BIN)/dyad

demo: venv
	$(BIN)/dyad ingest data/samples/article-id-2024-10-24.txt
	$(BIN)/dyad query who-did-what --param status=any

test: venv
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .dyad
