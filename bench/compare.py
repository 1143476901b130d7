#!/usr/bin/env python3
"""Times commands side by side: median wall time and peak memory over N runs.

usage: compare.py [--runs N] [--warmup K] NAME=COMMAND [NAME=COMMAND ...]

Each command runs through /bin/sh with its output discarded. Peak memory is
the child's maximum resident set size as the kernel reports it (wait4 rusage),
so it covers the measured process tree's largest process, not the shell.
Prints a Markdown table with the ratio of every row to the first.
"""
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(["/bin/sh", "-c", "exec " + cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    return wall, usage.ru_maxrss / 1024.0, code, err


def main(argv):
    runs, warmup, items = 5, 1, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--runs":
            runs = int(argv[i + 1]); i += 2; continue
        if a == "--warmup":
            warmup = int(argv[i + 1]); i += 2; continue
        name, _, cmd = a.partition("=")
        items.append((name, cmd))
        i += 1
    rows = []
    for name, cmd in items:
        for _ in range(warmup):
            run_once(cmd)
        walls, rss, codes = [], [], set()
        for _ in range(runs):
            w, m, c, err = run_once(cmd)
            walls.append(w); rss.append(m); codes.add(c)
        if codes - {0, 1}:
            print(f"warning: {name} exited with {sorted(codes)}: {err.strip()[:300]}", file=sys.stderr)
        rows.append((name, statistics.median(walls), max(rss), sorted(codes)))
    base = rows[0][1]
    print(f"| command | median wall (s) | peak RSS (MiB) | vs {rows[0][0]} | exit |")
    print("|---|---:|---:|---:|---|")
    for name, wall, rss, codes in rows:
        ratio = wall / base if base else float("nan")
        print(f"| {name} | {wall:.4f} | {rss:.1f} | {ratio:.1f}x | {','.join(map(str, codes))} |")


if __name__ == "__main__":
    main(sys.argv[1:])
