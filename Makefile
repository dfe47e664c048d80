# Two commands work on a fresh machine: `make demo` and `make test`. Each makes its own virtual
# environment when it is missing, so nothing else has to be run first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DYAD_STORE ?= $(CURDIR)/.dyad/demo-store
export DYAD_STORE
# What the tests start or drive besides Python: HermiT needs Java, the remote tests a Virtuoso
# server, the export tests rapper, the web page test Debian's chromium, the client tests Node.js
# (Comunica, installed from the npm registry into tests/clients by npm ci).
# tool:Debian package. Only the packages of missing tools are installed: a machine whose Node.js
# comes from elsewhere (NodeSource's nodejs bundles npm) must not be asked for Debian's npm,
# which conflicts with it.
SYSTEM_TOOLS := java:default-jre-headless virtuoso-t:virtuoso-opensource rapper:raptor2-utils \
	chromium:chromium node:nodejs npm:npm
CLIENTS := tests/clients/node_modules/.package-lock.json

.PHONY: demo test bench venv system-deps clean

$(BIN)/dyad: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/dyad

venv: $(BIN)/dyad

system-deps:
	@missing=""; for tp in $(SYSTEM_TOOLS); do \
	  command -v $${tp%%:*} >/dev/null || missing="$$missing $${tp#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing; run: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

demo: venv
	$(BIN)/dyad ingest data/samples/article-id-2024-10-24.txt
	$(BIN)/dyad query who-did-what --param status=any
	@echo
	@echo "Your own queries on this store, in this shell:"
	@echo "  . $(VENV)/bin/activate && export DYAD_STORE=$(DYAD_STORE)"
	@echo "  dyad query timeline -p actor=KOR"
	@echo "  dyad serve            # then open http://127.0.0.1:8000/"

$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund --silent

test: venv system-deps $(CLIENTS)
	$(BIN)/python -m pytest

# sizes 10k and 100k; the 1M size on request: make bench BENCH_ARGS="--sizes 1m"
bench: venv
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .dyad
