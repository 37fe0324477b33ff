#!/usr/bin/env bash
# Install what the dashboard needs into .venv and serve it on the bundled data (or on
# DASHBOARD_DATA_DIR when set). Usage: bash scripts/run.sh [extra streamlit options]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
# glibc keeps memory freed by one of Streamlit's many script threads in that thread's arena:
# two arenas hold the server's memory lower under a crowd (README, "Many visitors at once")
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/streamlit run streamlit_app.py "$@"
