#!/usr/bin/env python3
"""Medians of repeated runs (names ending -r1, -r2, ...): bench/medians.py RESULTS_DIR. Prints one markdown row per
server and scenario with every round's figures and the median, for the runs BENCH_SET=pipeline makes."""
import json
import pathlib
import re
import statistics
import sys
from collections import defaultdict

root = pathlib.Path(sys.argv[1])
rounds = defaultdict(list)
for path in sorted(root.glob("*/*-r[0-9]*-parley.json")):
    name = re.sub(r"-r\d+-parley$", "", path.stem)
    rounds[(path.parent.name, name)].append(json.loads(path.read_text()))


def figure(report, *keys):
    value = report["figures"]
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def cell(reports, label, *keys, digits=0):
    values = [figure(r, *keys) for r in reports]
    known = [v for v in values if v is not None]
    if not known:
        return None
    listed = " / ".join(f"{v:,.{digits}f}" for v in known)
    return f"{label} {statistics.median(known):,.{digits}f} ({listed})"


print("| server | scenario | median (each round) | exact in every round | errors | load at start |")
print("|---|---|---|---|---|---|")
for (server, name), reports in sorted(rounds.items()):
    cells = [
        cell(reports, "stored/s", "stored_per_second"),
        cell(reports, "echo p99 ms", "echo_latency", "p99_ms", digits=1),
        cell(reports, "health p99 ms", "health_latency", "p99_ms", digits=1),
    ]
    errors = "; ".join(json.dumps(figure(r, "errors_by_code")) for r in reports)
    loads = "; ".join(str(r["machine"].get("load_average_start")) for r in reports)
    exact = all(figure(r, "exact") for r in reports)
    print(f"| {server} | {name} | {'; '.join(c for c in cells if c)} | {'yes' if exact else 'NO'} | {errors} | {loads} |")
