"""What installing fakegallery costs a pytest run that never uses it: the plugin
imports nothing but itself (no Faker, Flask, marshmallow, waitress...), its
import is a tiny share of a session. The CPU time of whole sessions with and
without the plugin is a benchmark (benchmarks/bench_plugin_cost.py), not a test.

Each run is a fresh interpreter in a temporary folder. Faker's own pytest
plugin (installed here by the `demo` extra, which a user without it does not
have) is switched off in both runs, so that any Faker import would be ours.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

CONFTEST = """
import os, sys

def pytest_sessionfinish(session):
    with open(os.environ["MODULES_OUT"], "w") as out:
        out.write("\\n".join(sorted(sys.modules)))
"""
TESTS = """
import pytest

@pytest.mark.parametrize("n", range(50))
def test_n(n):
    assert n >= 0
"""
#: Plugins of this venv that only add noise (and Faker's, see above).
QUIET = ("no:cacheprovider", "no:faker", "no:schemathesis", "no:hypothesispytest")
#: The budget of the issue: a session with the plugin costs at most ~5 % more.
BUDGET = 0.05


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_suite.py").write_text(TESTS)
    return tmp_path


def _env(out: Path) -> dict[str, str]:
    # Bytecode caching on, as in an installed package (this machine's
    # environment turns it off, which would time the compiler instead).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["MODULES_OUT"] = str(out)
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _session(
    folder: Path, *args: str, python: tuple[str, ...] = ()
) -> tuple[set[str], str, float]:
    """Run the suite; return (modules at the end, stderr, wall seconds)."""
    out = folder / "modules.txt"
    options = [arg for name in QUIET for arg in ("-p", name)]
    command = [sys.executable, "-m", "pytest", "-q", *options, *args]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=folder, env=_env(out), capture_output=True, text=True, timeout=120
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    return set(out.read_text().split()), elapsed


def test_plugin_imports_only_itself(suite: Path) -> None:
    with_plugin, _ = _session(suite)
    without, _ = _session(suite, "-p", "no:fakegallery")
    assert with_plugin - without == {"fakegallery", "fakegallery.pytest_plugin"}
    assert not {m for m in with_plugin if m.split(".")[0] in ("faker", "PIL")}


def _plugin_import_seconds(folder: Path) -> float:
    """The import of the plugin module in a fresh interpreter that has pytest
    already, as pytest's entry-point loading does it."""
    script = (
        "import time, pytest\n"
        "started = time.perf_counter()\n"
        "import fakegallery.pytest_plugin\n"
        "print(time.perf_counter() - started)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=folder,
        env=_env(folder / "unused.txt"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(result.stdout)


def test_plugin_import_is_a_tiny_share_of_a_session(suite: Path) -> None:
    _plugin_import_seconds(suite)  # once, so that the bytecode is cached
    plugin = min(_plugin_import_seconds(suite) for _ in range(3))
    session = _session(suite)[1]
    assert plugin < BUDGET * session, (plugin, session)
