#!/usr/bin/env bash
# Install the dashboard and its test tools into .venv, lint, then run the whole test suite,
# browser tests included. The Debian packages the suite needs (Chromium, the fonts, PostgreSQL,
# nginx, LibreOffice, poppler-utils) come first from scripts/install.sh: installed when missing
# and this runs as root, else it names the apt command and the run stops.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# pytest exits 5 when it collected no test: that is a failure here, as any non-zero exit is.
# a browser wait that times out on a loaded machine is retried once; any other failure is not
exec .venv/bin/python -m pytest -n 2 --reruns 1 --only-rerun TimeoutError -rR "$@"
