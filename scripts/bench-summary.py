#!/usr/bin/env python3
"""Turns criterion's results (target/criterion) into the Markdown tables of docs/benchmarks.md.

Per benchmark: the median time per element (criterion's median over its samples of the
per-sample mean; every sample runs each name of the workload once), the spread (the 95%
confidence interval of that median), and the ratio to our matcher in the same group.

    python3 scripts/bench-summary.py [target/criterion]
"""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def load(directory):
    bench = json.loads((directory / "new" / "benchmark.json").read_text())
    estimates = json.loads((directory / "new" / "estimates.json").read_text())
    elements = (bench.get("throughput") or {}).get("Elements") or 1
    median = estimates["median"]
    return {
        "group": bench["group_id"],
        "name": bench["function_id"],
        "per": median["point_estimate"] / elements,
        "low": median["confidence_interval"]["lower_bound"] / elements,
        "high": median["confidence_interval"]["upper_bound"] / elements,
        "elements": elements,
    }


def unit(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.1f} ns"


groups = {}
for bench_file in sorted(root.glob("**/new/benchmark.json")):
    result = load(bench_file.parent.parent)
    groups.setdefault(result["group"], []).append(result)

for group, results in sorted(groups.items()):
    ours = next((r for r in results if r["name"] in ("ddns", "rust-find", "1")), None)
    print(f"### {group}\n")
    if group.startswith("threads"):
        print("| threads | lookups/s (all threads) | ns per lookup per thread |")
        print("| --- | ---: | ---: |")
        for r in sorted(results, key=lambda r: int(r["name"])):
            threads = int(r["name"])
            print(f"| {threads} | {1e9 / r['per']:,.0f} | {r['per'] * threads:.1f} |")
    elif group.startswith("load"):
        print("| operation | median | 95% interval |")
        print("| --- | ---: | --- |")
        for r in results:
            print(f"| {r['name']} | {unit(r['per'])} | {unit(r['low'])} - {unit(r['high'])} |")
    else:
        print("| implementation | median per name | 95% interval | time relative to ddns |")
        print("| --- | ---: | --- | ---: |")
        for r in sorted(results, key=lambda r: r["per"]):
            ratio = r["per"] / ours["per"] if ours else float("nan")
            print(f"| {r['name']} | {r['per']:.1f} ns | {r['low']:.1f} - {r['high']:.1f} ns | {ratio:.2f}x |")
    print()
