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
	libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 x11-apps \
	icu-devtools binutils gcc
# (the libxcb-* ones are the xcb platform plugin's: PyInstaller copies them into the bundle,
# so the build machine needs them; x11-apps gives xwd for the screenshot under Xvfb)
PYTEST_ARGS ?=
# FROZEN=0 skips building the PyInstaller bundle and its self-test in `make test`.
FROZEN ?= 1
# The bundle is built from its own fresh virtual environment: the app's dependencies and
# pyinstaller only (see build/requirements.py), so dev and test packages never leak in.
BVENV  := .venv-bundle
BPY    := $(BVENV)/bin/python
STAMP_BUNDLE := $(BVENV)/.installed-bundle
BUNDLE_INPUTS := $(shell find navtool_desktop content resources -type f -not -path '*/__pycache__/*' \
	-not -name '*.pyc' 2>/dev/null) build/navtool.spec build/spec_common.py build/navtool_entry.py build/shrink_icu.py
PYINSTALLER := env -u PYTHONPATH $(BPY) -m PyInstaller --distpath dist --workpath build/work/pyinstaller \
	--noconfirm --log-level WARN

.PHONY: run test test-fast test-frozen bench bundle bundle-bare lint debs clean

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

## test: set up with dev extras, install Debian packages, run every test headless, then
## build the bundle and self-test it frozen (FROZEN=0 skips the bundle)
test: $(STAMP_DEV) debs
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)
ifneq ($(FROZEN),0)
	$(MAKE) --no-print-directory test-frozen
endif

## test-frozen: build dist/navtool and run its --version and --self-test
test-frozen: bundle debs
	dist/navtool/navtool --version
	QT_QPA_PLATFORM=offscreen dist/navtool/navtool --self-test

$(STAMP_BUNDLE): pyproject.toml build/requirements.py
	rm -rf $(BVENV)
	$(PYTHON) -m venv $(BVENV)
	$(BPY) -m pip install --quiet --upgrade pip
	$(BPY) build/requirements.py > $(BVENV)/requirements.txt
	$(BPY) -m pip install --quiet -r $(BVENV)/requirements.txt
	touch $@

dist/navtool/navtool: $(STAMP_BUNDLE) $(BUNDLE_INPUTS) | debs
	@echo "building dist/navtool (PyInstaller, one folder)"
	@start=$$(date +%s); $(PYINSTALLER) build/navtool.spec && \
		echo "built dist/navtool in $$(( $$(date +%s) - start )) s, $$(du -sh dist/navtool | cut -f1)"
	touch $@

## bundle: build the one-folder app into dist/navtool/ (PyInstaller, build/navtool.spec)
bundle: dist/navtool/navtool

dist/bare_window/bare_window: $(STAMP_BUNDLE) build/bare_window.py build/bare_window.spec build/spec_common.py | debs
	$(PYINSTALLER) build/bare_window.spec
	touch $@

## bundle-bare: the bare Qt window the launch benchmark compares against (dist/bare_window/)
bundle-bare: dist/bare_window/bare_window

## lint: ruff over the code
lint: $(STAMP_DEV)
	$(VENV)/bin/ruff check navtool_desktop tests bench tools build

## bench: run the benchmarks and print their medians
bench: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

clean:
	rm -rf $(VENV) $(BVENV) dist build/work .pytest_cache
