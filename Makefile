# Plan Portal: two commands on a fresh machine with only Python.
#   make site   set up .venv, install from the lock, validate plans/ and build the site into site/
#   make test   install the test tools from their lock and the browser, then run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
# The locks pin every package with its hashes, so every machine installs the same files.
SITE_LOCK := requirements/site.txt
TEST_LOCK := requirements/test.txt

.PHONY: site site-offline test validate serve bench browser lock clean

$(BIN)/planportal: pyproject.toml $(SITE_LOCK)
	$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian, apt-get install python3-venv"; exit 1; }
	$(BIN)/pip install --quiet --require-hashes -r $(SITE_LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-tools: $(BIN)/planportal $(TEST_LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(TEST_LOCK)
	touch $@

# Builds into site.building/ and swaps it in only when the build succeeds: a plan with an
# error leaves the last good site/ in place.
site: $(BIN)/planportal
	$(BIN)/planportal validate plans
	$(BIN)/planportal build --strict

# The same site to read from disk or hand out as files (mkdocs-offline.yml): its links name
# files (clients/<id>/index.html) and its search works without a server. Open
# site-offline/index.html. Also built into site-offline.building/ and swapped in.
site-offline: $(BIN)/planportal
	$(BIN)/planportal validate plans
	$(BIN)/planportal build --strict --config-file mkdocs-offline.yml --site-dir site-offline

validate: $(BIN)/planportal
	$(BIN)/planportal validate --strict plans

serve: $(BIN)/planportal
	$(BIN)/mkdocs serve

# Time validate and build on synthetic plans (500, 2,000, 10,000); writes docs/performance.md.
#   make bench N="50 200" ARGS=--no-write
bench: $(BIN)/planportal
	$(BIN)/python benchmarks/bench.py --history $(if $(N),--n $(N)) $(ARGS)

# Debian's Chromium (driven by Playwright, never a downloaded browser), pdftotext, and Java
# for the W3C Nu HTML checker.
browser:
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null || ! command -v java >/dev/null \
	    || ! fc-list :lang=ko | grep -q .; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils fonts-dejavu-core \
	    fonts-wqy-microhei \
	    default-jre-headless >/dev/null; \
	fi

test: $(VENV)/.test-tools browser
	$(BIN)/python -m pytest

# The person's pages' words: extract the labels' message ids, update every catalog from them
# (new ids appear untranslated; translators fill them in with Poedit, Weblate or any editor),
# then compile. See docs/translations.md.
LOCALE := hooks/planportal/locale
translations: $(BIN)/planportal
	$(BIN)/pybabel -q extract -F babel.cfg --no-location --sort-output --project "Plan Portal" \
	  --copyright-holder "Plan Portal" -o $(LOCALE)/planportal.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-pot-creation-date -i $(LOCALE)/planportal.pot \
	  -d $(LOCALE) -D planportal
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D planportal

# Refresh both locks from pyproject.toml's ranges with pip-tools, hashes for every platform's
# files. Only the package index is read (no local pip settings), and the test lock keeps every
# version the site lock chose.
LOCK_VENV := $(VENV)-lock
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(LOCK_VENV)/bin/pip-compile --quiet --upgrade \
	--generate-hashes --allow-unsafe --strip-extras --build-deps-for editable --no-emit-index-url
lock:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet 'pip-tools>=7.4,<8'
	$(PIP_COMPILE) --output-file $(SITE_LOCK) pyproject.toml
	$(PIP_COMPILE) --extra test --constraint $(SITE_LOCK) --output-file $(TEST_LOCK) pyproject.toml

clean:
	rm -rf site site.building site-offline site-offline.building $(VENV) $(LOCK_VENV) .pytest_cache .hypothesis
