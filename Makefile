# The two commands: `make run` and `make test`. Both create .venv, install Curator and the Debian libraries Qt
# (and LibreOffice, for rendering Word output; PostgreSQL, for the team-library tests) need, installing with
# apt-get only what is missing.
# `make dist` builds the standalone folder (PyInstaller) and runs its smoke test; `make lock` refreshes
# constraints.txt, the versions every install uses.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO   ?= $(CURDIR)/.demo-library
PIP_INSTALL := $(PY) -m pip install -q --disable-pip-version-check -c constraints.txt

APT_QT   := libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core fonts-liberation2
APT_XVFB := xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
            libxcb-render-util0 libxcb-shape0
APT_DOCS := libreoffice-writer-nogui python3-uno poppler-utils
APT_TEAM := postgresql
APT_ALL  := $(APT_QT) $(APT_XVFB) $(APT_DOCS) $(APT_TEAM)

.PHONY: run test system venv lint bench screenshots clean dist dist-smoke lock

# Missing Debian packages: installed when root; otherwise stop at once with the one command that installs them
# (set CURATOR_SKIP_SYSTEM=1 to go on without them, e.g. on another distribution).
system:
	@if [ -n "$$CURATOR_SKIP_SYSTEM" ] || ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "system libraries: not checked (no dpkg-query, or CURATOR_SKIP_SYSTEM set)"; exit 0; fi; \
	missing=$$(for p in $(APT_ALL); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then echo "system libraries: all present"; \
	elif [ "$$(id -u)" = "0" ]; then echo "installing: $$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	  || { echo "error: apt-get could not install: $$missing"; exit 1; }; \
	else echo "error: these Debian packages are missing: $$missing"; \
	  echo "Install them once, then run make again:"; \
	  echo "  sudo apt-get install -y --no-install-recommends $$missing"; exit 1; fi

# A .venv made before python3-venv was installed has no pip: rebuild it rather than fail later.
$(VENV)/.installed: pyproject.toml constraints.txt
	@if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	  [ -e $(VENV) ] && echo "rebuilding $(VENV): it was half-made (no working pip)"; rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu: sudo apt-get install python3-venv"; rm -rf $(VENV); exit 1; }; fi
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -e '.[test]'
	touch $@

venv: system
	@$(PY) -m pip --version >/dev/null 2>&1 || rm -f $(VENV)/.installed
	@$(MAKE) --no-print-directory $(VENV)/.installed

run: venv
	@test -f $(DEMO)/curator.db || $(PY) -m curator --library $(DEMO) demo
	$(PY) main.py --library $(DEMO)

test: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m curator bench import --docs 10000

# The README's pictures of the review windows and the import report, offscreen on a 1366x768 screen.
screenshots: venv
	$(PY) docs/screenshots.py

# The standalone folder dist/Curator/ (app `Curator`, command line `curator`), then its smoke test.
dist: venv
	$(PIP_INSTALL) -e '.[dist]'
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/curator.spec
	$(MAKE) --no-print-directory dist-smoke

dist-smoke:
	QT_QPA_PLATFORM=offscreen $(PY) packaging/smoke.py dist/Curator

# Refresh constraints.txt from a clean venv with the newest releases allowed by pyproject.toml.
lock:
	rm -rf build/lock-venv && $(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install -q --disable-pip-version-check -e '.[test,dist]'
	( echo "# Versions every install uses (make lock refreshes them; see README, Development)."; \
	  build/lock-venv/bin/pip freeze --exclude-editable | grep -iv '^curator' ) > constraints.txt
	rm -rf build/lock-venv

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache build dist
