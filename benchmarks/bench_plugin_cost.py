"""What installing fakegallery costs a pytest session that never uses it.

A 50-test suite in a temporary folder is run in fresh interpreters, in three
variants per round (their order rotating from round to round):

- **none**: neither fakegallery's plugin nor Faker's (``-p no:fakegallery``);
- **now**: fakegallery's plugin as installed today (Faker is an extra);
- **before**: fakegallery's plugin and Faker's, which every session loaded while
  Faker was a dependency of fakegallery (Faker ships an autouse session fixture).

The figure is CPU time (children's user + system), which other processes on the
machine disturb less than wall time; each variant's result is the median over
rounds of its ratio to **none** in the same round. The budget of issue 10 is
~5 %. tests/test_plugin_cost.py holds the deterministic part (the plugin imports
only itself; its import is a tiny share of a session). Needs the `demo` extra
(Faker) installed, as the `dev` extra does.

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
#: Plugins of this venv that only add noise.
QUIET = ("no:cacheprovider", "no:schemathesis", "no:hypothesispytest")
VARIANTS = {
    "none": ("-p", "no:fakegallery", "-p", "no:faker"),
    "now": ("-p", "no:faker"),
    "before": (),
}


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
    names = list(VARIANTS)
    runs: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        (folder / "test_suite.py").write_text(TESTS)
        for args in VARIANTS.values():
            cpu_seconds(folder, *args)  # bytecode caches warm
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                runs[name].append(cpu_seconds(folder, *VARIANTS[name]))
    print(f"rounds: {rounds}; CPU seconds per session (median) and ÷ none (median")
    print("of the per-round ratios):")
    for name in names:
        ratios = [a / b for a, b in zip(runs[name], runs["none"], strict=True)]
        print(
            f"  {name:7} {statistics.median(runs[name]):.3f} s  "
            f"{statistics.median(ratios):.3f}x"
        )


if __name__ == "__main__":
    main()
