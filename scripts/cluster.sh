#!/usr/bin/env bash
# A throwaway cluster on this machine: PostgreSQL, N dashboard replicas, nginx in front.
#   bash scripts/cluster.sh start [N]   # N replicas (2 by default); prints nginx's address
#   bash scripts/cluster.sh status      # what runs where
#   bash scripts/cluster.sh stop        # ends everything start started (the data stays)
# Options: --state DIR (default $SOSEI_CLUSTER_DIR or /tmp/sosei-cluster), --port P (nginx),
# --data DIR (the first version of a new database), --store folder (no database).
# Needs PostgreSQL 15 and nginx: installed with apt when missing (as root; otherwise it prints
# the command).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "cluster: no .venv: run bash scripts/run.sh first" >&2; exit 1; }
if [ "${1:-}" = start ]; then
  # nginx, and PostgreSQL 15 unless the replicas share a folder: installed when missing
  missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  if [[ " $* " != *" --store folder "* ]] && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    missing+=(postgresql-15)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    install="apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" != 0 ]; then
      echo "cluster: missing ${missing[*]}: sudo apt-get update && sudo $install" >&2
      exit 1
    fi
    echo "cluster: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive $install >/dev/null \
      || { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $install >/dev/null; }
  fi
fi
exec .venv/bin/python -m bench.cluster "$@"
