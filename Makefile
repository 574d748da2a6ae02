# Navigation Tool Desktop: set-up, run, test, bench, bundle.
# Every step installs what it needs; nothing is expected to be installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP_RUN  := $(VENV)/.installed-run
STAMP_DEV  := $(VENV)/.installed-dev
# Debian packages the tests use: poppler (pdfsig, pdftotext, pdftoppm), qpdf, Xvfb,
# and the shared libraries Qt loads even offscreen.
DEB_TEST_PACKAGES := poppler-utils qpdf xvfb xauth libegl1 libgl1 libxkbcommon0 \
	libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
PYTEST_ARGS ?=

.PHONY: run test test-fast bench bundle lint debs clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

## run: set up (first time) and start the app
run: $(STAMP_RUN)
	$(VENV)/bin/navtool

## debs: install the Debian packages the tests need (root or sudo; skipped when present)
debs:
	@missing=$$(for p in $(DEB_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## test: set up with dev extras, install Debian packages, run every test headless
test: $(STAMP_DEV) debs
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff over the code
lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check navtool_desktop tests bench tools build

## bench: run the benchmarks and print their medians
bench: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

clean:
	rm -rf $(VENV) dist build/work .pytest_cache
