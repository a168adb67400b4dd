# `make run` and `make test` are all a newcomer needs; both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
# Packages that pass the type check; add one when it does.
MYPY_PACKAGES ?= newsroom search translation engagement newsletter membership audience federation ingest imports crosspost/lib \
	crosspost/templatetags \
	$(wildcard crosspost/*.py crosspost/tests/*.py crosspost/management/commands/*.py)

.PHONY: run test install demo clean messages e2e lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"

# Reinstall whenever the pinned requirements or the project metadata change.
$(VENV)/.installed: $(BIN)/python requirements.txt requirements-test.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt -r requirements-test.txt
	$(BIN)/pip install --quiet --no-deps --config-settings editable_mode=compat -e .
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/crosspost migrate --noinput
	$(BIN)/crosspost collectstatic --noinput --verbosity 0
	$(BIN)/crosspost demo --if-empty
	$(BIN)/crosspost serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# What CI checks before the suites: lint and import order, types, and no model change without
# its migration.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy $(MYPY_PACKAGES)
	$(BIN)/crosspost makemigrations --check --dry-run

demo: install
	$(BIN)/crosspost demo

# Removes the virtualenv; the development database and media under var/ only after a yes.
clean:
	rm -rf $(VENV)
	@if [ -d var ]; then \
	  printf 'Also delete var/ (the development database, media and mail)? [y/N] '; read answer; \
	  case "$$answer" in [yY]*) rm -rf var; echo "var/ deleted";; *) echo "var/ kept";; esac; \
	fi

# Refresh the source catalogue of interface strings after changing templates.
messages: install
	$(BIN)/crosspost makemessages -l en --ignore=".venv/*" --ignore="var/*" --ignore="bench/*" --ignore="e2e/*" --no-location

# Browser tests (Playwright + Debian's Chromium) against the site as `make run` serves it.
e2e: install
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	test -d e2e/node_modules/axe-core || npm ci --prefix e2e --no-audit --no-fund
	$(BIN)/python -m pytest -c e2e/pytest.ini -p no:django --confcutdir=e2e e2e/tests $(PYTEST_ARGS)
