"""Every benchmark of docs/performance.md, in one command:

    python benchmarks/run.py             # everything (an hour on a slow 2-core box)
    python benchmarks/run.py --quick     # smaller sizes, fewer rounds (minutes)
    python benchmarks/run.py --only compare,scale --out results.json
    python benchmarks/run.py --check     # then compare with benchmarks/baseline.json
    python benchmarks/run.py --out r.json --save-baseline   # make this run the baseline

Sections: the machine (and its load before and after), `compare` (F, a bare
Flask view of the same bytes, moto's server, mock_aws, pytest-httpserver,
responses), `scale` (single-item operations at 10 … 100,000 items), `bulk`
(per-item cost of bulk operations), `memory`, `cold` (cold start) and `suite`
(per-test cost of a 200-test downstream suite). Install the peers first:
``pip install -e '.[bench]'``. The JSON written holds every figure and a flat
`metrics` map (all "lower is better" ratios) that check.py compares.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import bulk
import cold
import compare
import memory
import scale
import suite
from check import DEFAULT_BASELINE, compare_metrics, report
from common import loadavg, machine, say

SECTIONS = ("compare", "scale", "bulk", "memory", "cold", "suite")

FULL = {
    "compare": {"rounds": 9, "count": 100},
    "scale": {"sizes": [10, 1000, 10000, 100000], "rounds": 7, "count": 30},
    "bulk": {"sizes": [1000, 10000, 100000], "rounds": 3},
    "memory": {"items": [10000, 100000], "events": 10000},
    "cold": {"rounds": 21},
    "suite": {"tests": 200, "rounds": 3},
}
QUICK = {
    "compare": {"rounds": 5, "count": 50},
    "scale": {"sizes": [10, 1000, 10000], "rounds": 5, "count": 20},
    "bulk": {"sizes": [1000, 10000], "rounds": 3},
    "memory": {"items": [10000], "events": 10000},
    "cold": {"rounds": 7},
    "suite": {"tests": 200, "rounds": 2},
}


def run_section(name: str, options: dict[str, Any]) -> dict[str, Any]:
    if name == "compare":
        return compare.measure(options["rounds"], options["count"])
    if name == "scale":
        return scale.measure(options["sizes"], options["rounds"], options["count"])
    if name == "bulk":
        return bulk.measure(options["sizes"], options["rounds"])
    if name == "memory":
        return memory.measure(options["items"], options["events"])
    if name == "cold":
        return cold.measure(options["rounds"], baseline=options.get("baseline"))
    return suite.measure(
        options["tests"], options["rounds"], baseline=options.get("baseline")
    )


SHOW = {
    "compare": compare.show,
    "scale": scale.show,
    "bulk": bulk.show,
    "memory": memory.show,
    "cold": cold.show,
    "suite": suite.show,
}


def metrics(results: dict[str, Any]) -> dict[str, float]:
    """The ratios check.py compares; for each, lower is better."""
    out: dict[str, float] = {}
    if "compare" in results:
        part = results["compare"]
        for name, row in part["rows"].items():
            if name.startswith("fakegallery"):
                out[f"compare: {name} (× F)"] = row["F"]
        for name, value in part["side_by_side"].items():
            out[f"compare: {name}"] = value
    if "scale" in results:
        part = results["scale"]
        first, last = str(part["sizes"][0]), str(part["sizes"][-1])
        for op, row in part["rows"].items():
            out[f"scale: {op} at {last} ÷ at {first}"] = row[last]["vs_smallest"]
            out[f"scale: {op} at {first} (× F)"] = row[first]["F"]
    if "bulk" in results:
        part = results["bulk"]
        last = str(part["sizes"][-1])
        for op, row in part["rows"].items():
            out[f"bulk: {op}, per item at {last} ÷ smallest"] = row[last][
                "per_item_vs_smallest"
            ]
    if "memory" in results:
        part = results["memory"]
        for row in part["store"]:
            out[f"memory: KB per stored item at {row['items']}"] = round(
                max(row["rss_per_item"], row["traced_per_item"]) / 1000, 3
            )
        events = part["events"]
        out["memory: KB per recorded event"] = round(
            max(events["rss_per_event"], events["traced_per_event"]) / 1000, 3
        )
    if "cold" in results:
        for name, row in results["cold"]["rows"].items():
            if name.startswith("fakegallery"):
                out[f"cold: {name} ÷ minimal (wall)"] = row["vs_minimal"]
                out[f"cold: {name} ÷ minimal (CPU)"] = row["cpu_vs_minimal"]
    if "suite" in results:
        rows = results["suite"]["rows"]
        base = next(iter(rows))
        for name, row in rows.items():
            if name != base and not name.startswith("baseline"):
                # the fake's per-test cost against each other way
                out[f"suite: fakegallery client ÷ {name}"] = round(
                    1 / row["vs_fakegallery"], 3
                )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller and fewer")
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON here")
    parser.add_argument(
        "--check", action="store_true", help="compare with the baseline after"
    )
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument(
        "--save-baseline",
        action="store_true",
        help="write this run's ratios to --baseline (for later --check runs)",
    )
    parser.add_argument(
        "--compare-with",
        default=None,
        metavar="DIR",
        help="a checkout of another version: cold and suite run it side by side",
    )
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {list(SECTIONS)}")
    plan = QUICK if args.quick else FULL
    results: dict[str, Any] = {"machine": machine(), "options": {}}
    started = time.time()
    loads: dict[str, list[float]] = {}
    for name in chosen:
        loads[name] = loadavg()
        say(f"== {name} (load {loads[name]})")
        options = dict(plan[name])
        if args.compare_with and name in ("cold", "suite"):
            options["baseline"] = args.compare_with
        results["options"][name] = options
        results[name] = run_section(name, options)
        print(f"\n## {name}\n\n{SHOW[name](results[name])}", flush=True)
    results["machine"]["loadavg_before_each_section"] = loads
    results["machine"]["loadavg_after"] = loadavg()
    results["minutes"] = round((time.time() - started) / 60, 1)
    results["metrics"] = metrics(results)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        say(f"written to {args.out}")
    if args.save_baseline:
        kept = {"machine": results["machine"], "metrics": results["metrics"]}
        text = json.dumps(kept, indent=2, ensure_ascii=False)
        args.baseline.write_text(text + "\n", encoding="utf-8")
        say(f"baseline written to {args.baseline}")
    if args.check:
        if args.baseline.exists():
            baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
        else:
            say(f"no baseline at {args.baseline}: checking the targets only")
            baseline = {"metrics": {}}
        failures = compare_metrics(baseline["metrics"], results["metrics"])
        print(report(failures, baseline, results))
        sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
