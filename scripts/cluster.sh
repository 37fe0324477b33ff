#!/usr/bin/env bash
# A throwaway cluster on this machine: PostgreSQL, N dashboard replicas, nginx in front.
#   bash scripts/cluster.sh start [N]   # N replicas (2 by default); prints nginx's address
#   bash scripts/cluster.sh status      # what runs where
#   bash scripts/cluster.sh stop        # ends everything start started (the data stays)
# Options: --state DIR (default $SOSEI_CLUSTER_DIR or /tmp/sosei-cluster), --port P (nginx),
# --data DIR (the first version of a new database), --store folder (no database).
# Needs PostgreSQL 15 and nginx: bash scripts/install.sh installs them (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "cluster: no .venv: run bash scripts/run.sh first" >&2; exit 1; }
exec .venv/bin/python -m bench.cluster "$@"
