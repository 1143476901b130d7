#!/usr/bin/env bash
# Installs GuardDog 3.2.0 (the comparison baseline) into its own venv.
# Usage: bench/build-guarddog.sh [DEST]  (default $CHAINWARDEN_TEST_CACHE/guarddog-venv)
set -euo pipefail
cache="${CHAINWARDEN_TEST_CACHE:-/work/testcache}"
dest="${1:-$cache/guarddog-venv}"
if [ -f "$dest/.complete" ]; then
  echo "guarddog already installed at $dest"; exit 0
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
python3 -m venv "$dest"
"$dest/bin/python" -m pip install --disable-pip-version-check --no-input -q guarddog==3.2.0
touch "$dest/.complete"
echo "guarddog installed at $dest"
