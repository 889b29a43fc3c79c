# Chính Quyền — two commands: `make run` (demo) and `make test` (the whole suite).
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := .uv/bin/uv
PY := .venv/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= chinhquyen.settings.dev

# Prints the current TOTP code of a demo official: make totp ACCOUNT=lanhdao
totp: install
	@$(MANAGE) demo_totp $(ACCOUNT)

.PHONY: totp run test install system-deps lint typecheck pytest migrate demo serve worker scheduler \
        openapi test-postgres clean

$(UV):
	python3 -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.installed: pyproject.toml uv.lock $(UV)
	$(UV) sync --frozen --quiet
	touch $@

system-deps:
	@bash scripts/install-system-deps.sh

# The browser tests' JavaScript tools (axe-core), exactly as locked; again only when the lock
# changed or node_modules is gone.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: system-deps .venv/.installed node_modules/.installed

migrate: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo: migrate
	$(MANAGE) load_demo

# Serves the demo province with the background worker and the scheduler; the sandbox
# identity provider (VNeID-style) is on for the demo.
run: export OIDC_SANDBOX ?= 1
run: demo
	@trap 'kill 0' EXIT INT TERM; \
	LOG_LEVEL=WARNING $(MANAGE) db_worker --queue-name '*' --no-reload & \
	LOG_LEVEL=WARNING $(MANAGE) scheduler & \
	sleep 4; $(MANAGE) demo_accounts; \
	echo ""; echo "  Chính Quyền đang chạy tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"; echo ""; \
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

typecheck: install
	$(UV) run --frozen mypy chinhquyen

pytest: install
	DJANGO_SETTINGS_MODULE=chinhquyen.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=chinhquyen.settings.test $(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

test: lint typecheck pytest

# The same suite on PostgreSQL (used by .ci/run). DATABASE_URL must point at PostgreSQL.
test-postgres: install
	DJANGO_SETTINGS_MODULE=chinhquyen.settings.test $(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

# Benchmarks on realistic volumes (bench/README.md): loads a PostgreSQL bench database once
# (1M dossiers, 1M documents; BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432), serves
# it with gunicorn, prints and writes the figures to bench/results/. Never asserts speed.
.PHONY: bench bench-smoke
bench: install
	$(PY) bench/run.py --scale full

# The same scenarios on a few thousand rows: about a minute once its database exists; fails
# only when a scenario could not run or had errors.
bench-smoke: install
	$(PY) bench/run.py --scale smoke

# Regenerates the committed OpenAPI file after an API change.
openapi: install
	DJANGO_SETTINGS_MODULE=chinhquyen.settings.test $(MANAGE) spectacular --file openapi.yaml --validate --fail-on-warn --lang vi

clean:
	rm -rf .venv .uv var node_modules .pytest_cache .mypy_cache .ruff_cache
