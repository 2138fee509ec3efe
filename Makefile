# Plan Portal: two commands on a fresh machine with only Python.
#   make site   set up .venv, install, validate plans/ and build the site into site/
#   make test   install the test tools and the browser, then run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test validate serve bench browser clean

$(BIN)/planportal: pyproject.toml
	$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian, apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-tools: $(BIN)/planportal
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

site: $(BIN)/planportal
	$(BIN)/planportal validate plans
	$(BIN)/mkdocs build --strict

validate: $(BIN)/planportal
	$(BIN)/planportal validate --strict plans

serve: $(BIN)/planportal
	$(BIN)/mkdocs serve

# Time validate and build on synthetic plans (500, 2,000, 10,000); writes docs/performance.md.
#   make bench N="50 200" ARGS=--no-write
bench: $(BIN)/planportal
	$(BIN)/python benchmarks/bench.py $(if $(N),--n $(N)) $(ARGS)

# Debian's Chromium (driven by Playwright, never a downloaded browser) and pdftotext.
browser:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils fonts-dejavu-core >/dev/null; \
	fi

test: $(VENV)/.test-tools browser
	$(BIN)/python -m pytest

clean:
	rm -rf site $(VENV) .pytest_cache .hypothesis .planportal_cache
