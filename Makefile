# Two commands for a fresh machine: `make run` and `make test` (README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm ci writes node_modules/.package-lock.json; it is older than package-lock.json when the
# lock file changed since the last install. Install scripts are not run: the browser bundles
# need none, and some only phone home.
NPM_STAMP := node_modules/.package-lock.json

.PHONY: run test bench setup clean chromium

setup: $(STAMP) $(NPM_STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,browser]'
	touch $(STAMP)

$(NPM_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NPM_STAMP)

run: setup
	mkdir -p var
	$(BIN)/kaoping serve

# Browser tests use Debian's Chromium, installed once by apt (never a browser download).
chromium:
	sh scripts/install-chromium.sh

test: setup chromium
	KAOPING_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var node_modules
