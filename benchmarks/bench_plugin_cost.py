"""What installing fakegallery costs a pytest session that never uses it.

A 50-test suite in a temporary folder is run in fresh interpreters, alternately
with the plugin loaded and with ``-p no:fakegallery``; the figure is CPU time
(children's user + system), which other processes on the machine disturb less
than wall time. Per round the two kinds alternate; the result is the median of
the per-round ratios and the ratio of the fastest runs. The budget of issue 10
is ~5 %. tests/test_plugin_cost.py holds the deterministic part (the plugin
imports only itself; its import is a tiny share of a session).

    .venv/bin/python benchmarks/bench_plugin_cost.py [rounds]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TESTS = """
import pytest

@pytest.mark.parametrize("n", range(50))
def test_n(n):
    assert n >= 0
"""
#: Plugins of this venv that only add noise; Faker's (the `demo` extra) is off
#: so that the comparison is of fakegallery's plugin alone.
QUIET = ("no:cacheprovider", "no:faker", "no:schemathesis", "no:hypothesispytest")


def cpu_seconds(folder: Path, *args: str) -> float:
    options = [arg for name in QUIET for arg in ("-p", name)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("PYTEST_ADDOPTS", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *options, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    runs: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "test_suite.py").write_text(TESTS)
        cpu_seconds(folder)  # bytecode caches warm
        for index in range(rounds):
            for plugin in (True, False) if index % 2 == 0 else (False, True):
                off = () if plugin else ("-p", "no:fakegallery")
                runs[plugin].append(cpu_seconds(folder, *off))
    with_plugin, without = runs[True], runs[False]
    ratios = [w / o for w, o in zip(with_plugin, without, strict=True)]
    median_with = statistics.median(with_plugin)
    median_without = statistics.median(without)
    print(
        f"rounds: {rounds}; CPU seconds per session, median with the plugin "
        f"{median_with:.3f}, without {median_without:.3f}"
    )
    print(
        f"with / without: median of round ratios {statistics.median(ratios):.3f}; "
        f"fastest runs {min(with_plugin) / min(without):.3f}"
    )


if __name__ == "__main__":
    main()
