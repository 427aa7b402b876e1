"""The benchmark harness's own logic (not timed): the bare Flask app of the
side-by-side comparison starts on the fake's server class, the regression check
compares ratios and the issue's targets, and every target names a metric that
`benchmarks/run.py` produces (docs/performance.md)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module", autouse=True)
def _benchmarks_on_path() -> Iterator[None]:
    sys.path.insert(0, str(BENCHMARKS))
    yield
    sys.path.remove(str(BENCHMARKS))


def test_the_bare_view_runs_on_the_fakes_server_class() -> None:
    import contextlib

    from compare import _waitress

    bare = Flask("bare")
    bare.add_url_rule("/item", "item", lambda: {"same": "bytes"})
    with contextlib.ExitStack() as stack:
        url = _waitress(bare, stack)
        session = requests.Session()
        session.trust_env = False
        with session:
            answer = session.get(url + "/item", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {"same": "bytes"}


def test_a_ratio_regresses_only_beyond_tolerance_and_slack() -> None:
    from check import compare_metrics

    baseline = {"compare: a": 1.0, "compare: b": 0.10}
    # 1.0 × 1.3 + 0.05 = 1.35 is the limit of a; 0.10 × 1.3 + 0.05 = 0.18 of b
    assert compare_metrics(baseline, {"compare: a": 1.34, "compare: b": 0.17}) == []
    failures = compare_metrics(baseline, {"compare: a": 1.36, "compare: b": 0.19})
    assert [line.split(":")[0] for line in failures] == ["regressed", "regressed"]
    assert "compare: a" in failures[0]
    assert "compare: b" in failures[1]


def test_a_missed_target_fails_even_without_a_baseline() -> None:
    from check import compare_metrics

    metrics = {
        "scale: GET item at 100000 ÷ at 10": 1.6,
        "memory: KB per recorded event": 0.9,
    }
    assert compare_metrics({}, metrics) == [
        "target missed: scale: GET item at 100000 ÷ at 10: 1.600 > 1.5"
    ]


def _synthetic_results() -> dict[str, Any]:
    from scale import OPERATIONS

    point = {"ms": 1.0, "F": 0.3, "vs_smallest": 1.0}
    return {
        "scale": {
            "sizes": [10, 100000],
            "rows": {op: {"10": point, "100000": point} for op in OPERATIONS},
        },
        "memory": {
            "store": [
                {"items": n, "rss_per_item": 850, "traced_per_item": 940}
                for n in (10000, 100000)
            ],
            "events": {"rss_per_event": 900, "traced_per_event": 870},
        },
        "cold": {
            "rows": {
                name: {"vs_minimal": 1.3, "cpu_vs_minimal": 1.3}
                for name in (
                    "minimal Flask + waitress",
                    "fakegallery serve --no-fixtures",
                    "fakegallery serve (shipped fixtures)",
                )
            }
        },
    }


def test_every_target_names_a_metric_that_run_produces() -> None:
    from check import TARGETS
    from run import metrics

    produced = metrics(_synthetic_results())
    assert set(TARGETS) <= set(produced), set(TARGETS) - set(produced)
    # memory: the larger of the two readings, in KB
    assert produced["memory: KB per stored item at 100000"] == 0.94
    assert produced["memory: KB per recorded event"] == 0.9
