#!/usr/bin/env bash
# Benchmark: chainwarden scan of the aienv (~350 real AI-stack distributions)
# side by side with the tools a user would pick instead, in one run.
#   bench/scan.sh            (builds the aienv once, ~5 min of pip, then measures)
# Needs: python3, network to PyPI the first time. Prints Markdown tables.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cache="${CHAINWARDEN_TEST_CACHE:-$root/.cache}"
export CHAINWARDEN_TEST_CACHE="$cache"
aienv="$cache/aienv"
tools="$cache/bench-tools"
runs="${RUNS:-7}"

"$here/build-aienv.sh" "$aienv"
if [ ! -f "$tools/.complete" ]; then
  rm -rf "$tools"; python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check cyclonedx-bom==7.5.0 uv pip-audit
  touch "$tools/.complete"
fi
(cd "$root" && cargo build --release --locked -p chainwarden -q)
cw="$root/target/release/chainwarden"
site=$(ls -d "$aienv"/lib/python3*/site-packages)
dists=$(ls -d "$site"/*.dist-info | wc -l)
files=$(find "$site" -type f | wc -l)
size=$(du -sh "$site" | cut -f1)
echo "## scan: $dists distributions, $files files, $size ($(nproc) cores, $(date -u +%F))"
echo
python3 "$here/compare.py" --runs "$runs" \
  "chainwarden scan --format cyclonedx (graph + advisories + hooks + policy)=$cw scan --format cyclonedx --fail-on never $aienv" \
  "chainwarden scan --no-advisories --format cyclonedx=$cw scan --no-advisories --format cyclonedx --fail-on never $aienv" \
  "uv pip list=$tools/bin/uv pip list --python $aienv/bin/python" \
  "pip list=$aienv/bin/python -m pip list --disable-pip-version-check" \
  "cyclonedx-py environment --no-validate=$tools/bin/cyclonedx-py environment --no-validate $aienv/bin/python"
echo
echo "## advisory matching: chainwarden (offline, embedded snapshot) vs pip-audit (PyPI JSON API, one run)"
echo
python3 "$here/compare.py" --runs 1 --warmup 0 \
  "chainwarden scan (all advisories)=$cw scan --format json --fail-on never $aienv" \
  "pip-audit --path site-packages -s pypi=$tools/bin/pip-audit --path $site -s pypi --progress-spinner off"
