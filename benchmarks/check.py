"""The regression check: ratios, never times.

Compares the `metrics` of a run (run.py's JSON) with the committed baseline
(benchmarks/baseline.json). Every metric is a ratio where lower is better (to
the floor F, to a peer or a minimal app measured in the same run, of a large
size to a small one) or bytes per item. A metric regresses when it is above
baseline × (1 + tolerance) + slack; the slack keeps tiny ratios (0.1 F) from
failing on noise. The issue's targets are checked as well.

    python benchmarks/check.py results.json [--baseline benchmarks/baseline.json]
    python benchmarks/run.py --check          # measure, then this
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_BASELINE = Path(__file__).resolve().parent / "baseline.json"
TOLERANCE = 0.30
SLACK = 0.05

#: The issue's targets: metric name prefix → highest value allowed.
TARGETS = {
    "scale: POST item at 100000 ÷ at 10": 1.5,
    "scale: PATCH item at 100000 ÷ at 10": 1.5,
    "scale: PATCH item sortOrder at 100000 ÷ at 10": 1.5,
    "scale: DELETE item at 100000 ÷ at 10": 1.5,
    "scale: GET item at 100000 ÷ at 10": 1.5,
    "scale: GET gallery first page, after a write at 100000 ÷ at 10": 1.5,
    "scale: LIST galleries among n/10 at 100000 ÷ at 10": 1.5,
    "scale: POST gallery among n/10 at 100000 ÷ at 10": 1.5,
    "memory: KB per stored item at 100000": 1.2,
    "memory: KB per stored item at 10000": 1.2,
    "memory: KB per recorded event": 1.0,
    "cold: fakegallery serve --no-fixtures ÷ minimal (wall)": 1.25,
    "cold: fakegallery serve (shipped fixtures) ÷ minimal (wall)": 1.5,
}


def compare_metrics(
    baseline: dict[str, float],
    current: dict[str, float],
    tolerance: float = TOLERANCE,
    slack: float = SLACK,
) -> list[str]:
    """What regressed or misses a target, one line each."""
    failures = []
    for name, before in sorted(baseline.items()):
        now = current.get(name)
        if now is None:
            continue  # a section not run this time
        limit = before * (1 + tolerance) + slack
        if now > limit:
            failures.append(
                f"regressed: {name}: {now:.3f} > {limit:.3f} (baseline {before:.3f})"
            )
    for name, highest in TARGETS.items():
        now = current.get(name)
        if now is not None and now > highest:
            failures.append(f"target missed: {name}: {now:.3f} > {highest}")
    return failures


def report(
    failures: list[str], baseline: dict[str, Any], current: dict[str, Any]
) -> str:
    then = baseline.get("machine", {}).get("loadavg")
    now = current.get("machine", {}).get("loadavg")
    head = f"checked {len(current['metrics'])} ratios (load then {then}, now {now})"
    if not failures:
        return head + ": no regression, every target met"
    return "\n".join([head + ":", *(f"  {line}" for line in failures)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    args = parser.parse_args()
    baseline = json.loads(args.baseline.read_text(encoding="utf-8"))
    current = json.loads(args.results.read_text(encoding="utf-8"))
    failures = compare_metrics(baseline["metrics"], current["metrics"], args.tolerance)
    print(report(failures, baseline, current))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
