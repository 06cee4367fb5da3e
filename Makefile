# The two commands: `make run` and `make test`. Both create .venv, install Curator and the Debian libraries Qt
# (and LibreOffice, for rendering Word output) need, installing with apt-get only what is missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DEMO   ?= $(CURDIR)/.demo-library

APT_QT   := libgl1 libegl1 libxkbcommon0 libglib2.0-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core fonts-liberation2
APT_XVFB := xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
            libxcb-render-util0 libxcb-shape0
APT_DOCS := libreoffice-writer-nogui python3-uno poppler-utils
APT_ALL  := $(APT_QT) $(APT_XVFB) $(APT_DOCS)

.PHONY: run test system venv lint bench screenshots clean

system:
	@missing=$$(for p in $(APT_ALL); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "system libraries: all present"; \
	elif [ "$$(id -u)" = "0" ]; then echo "installing: $$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	  || echo "warning: apt-get could not install $$missing; Qt or LibreOffice features may not work"; \
	else echo "warning: missing Debian packages (run as root to install): $$missing"; fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: system $(VENV)/.installed

run: venv
	@test -f $(DEMO)/curator.db || $(PY) -m curator --library $(DEMO) demo
	$(PY) main.py --library $(DEMO)

test: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	$(PY) -m curator bench import --docs 10000

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
