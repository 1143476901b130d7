#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, JOBS at a time,
# then minimises each kept corpus. Needs nightly and cargo-fuzz:
#   cargo install --locked cargo-fuzz
#   SECONDS_PER_TARGET=60 JOBS=2 fuzz/run.sh [target...]
# Logs: fuzz/artifacts/logs/<target>.log; crashes: fuzz/artifacts/<target>/.
set -u
cd "$(dirname "$0")/.."
secs=${SECONDS_PER_TARGET:-60}
jobs=${JOBS:-2}
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi
mkdir -p fuzz/artifacts/logs
cargo +nightly fuzz build || exit 1

run_one() {
    t=$1
    log=fuzz/artifacts/logs/$t.log
    cargo +nightly fuzz run "$t" -- -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)
    echo "$t rc=$rc ${runs:-no summary (crash?)}"
}
export -f run_one
export secs
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'

for t in "${targets[@]}"; do
    cargo +nightly fuzz cmin "$t" >"fuzz/artifacts/logs/$t.cmin.log" 2>&1 || echo "$t: cmin failed"
    echo "$t: $(ls "fuzz/corpus/$t" | wc -l) inputs kept"
done
