#!/usr/bin/env bash
# Builds the benign evaluation environment: a real venv with every package of
# /work/shared/data/aienv-freeze.txt installed by pip (~350 distributions, ~2.4 GB).
# Usage: bench/build-aienv.sh [DEST]   (default $CHAINWARDEN_TEST_CACHE/aienv or /work/testcache/aienv)
set -euo pipefail
cache="${CHAINWARDEN_TEST_CACHE:-/work/testcache}"
dest="${1:-$cache/aienv}"
freeze="${AIENV_FREEZE:-/work/shared/data/aienv-freeze.txt}"
if [ -f "$dest/.complete" ]; then
  echo "aienv already built at $dest"; exit 0
fi
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
python3 -m venv "$dest"
"$dest/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$freeze"
touch "$dest/.complete"
echo "aienv built at $dest"
