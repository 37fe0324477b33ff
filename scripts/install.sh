#!/usr/bin/env bash
# The Debian packages the dashboard needs, installed when missing:
#   bash scripts/install.sh        # to run it: Chromium (PNG export), Japanese and emoji fonts,
#                                  # poppler-utils
#   bash scripts/install.sh test   # and to test it: PostgreSQL 15, nginx (the cluster tests),
#                                  # LibreOffice (the slide tests)
#   bash scripts/install.sh --check [test]   # only say what is missing (exit 1 if anything)
# As root it installs what is missing with apt-get; otherwise it prints the exact command and
# exits 1. The Dockerfile runs the first form, scripts/test.sh the second.
set -euo pipefail

APP_PACKAGES=(chromium fonts-noto-cjk fonts-noto-color-emoji poppler-utils)
TEST_PACKAGES=(postgresql-15 nginx libreoffice-impress)

check_only=0
profile=app
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    app | test) profile="$arg" ;;
    *) echo "install.sh: unknown argument '$arg' (app, test, --check)" >&2; exit 2 ;;
  esac
done
wanted=("${APP_PACKAGES[@]}")
[ "$profile" = test ] && wanted+=("${TEST_PACKAGES[@]}")

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install.sh: not a Debian system: install by hand ${wanted[*]} (Debian 12 names)" >&2
  exit 1
fi
missing=()
for package in "${wanted[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
command="apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends ${missing[*]}"
if [ "$check_only" = 1 ] || [ "$(id -u)" != 0 ]; then
  echo "install.sh: missing Debian packages: ${missing[*]}" >&2
  echo "install them with:  sudo apt-get update && sudo $command" >&2
  exit 1
fi
echo "install.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# the package lists are fetched when there are none (a fresh image) or the install fails on
# stale ones
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
  apt-get -o DPkg::Lock::Timeout=600 update -qq
fi
$command >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq && $command >/dev/null; }
for package in "${missing[@]}"; do
  installed "$package" || { echo "install.sh: $package did not install" >&2; exit 1; }
done
