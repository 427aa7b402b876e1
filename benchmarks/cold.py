"""Cold start: a new process, from spawn to its first answer over HTTP.

The reference is a minimal Flask app on waitress (one JSON view). Against it,
in interleaved rounds: `fakegallery serve --no-fixtures` and `fakegallery
serve` with the shipped fixtures, each answering a first API read
(listGalleries of the default site). The figure is the median over rounds of
(variant ÷ the reference in the same round).

    python benchmarks/cold.py [--rounds 21]

`python -X importtime -c "import fakegallery.cli"` shows where import time goes.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from common import say

MINIMAL = """
import sys
from flask import Flask
from waitress.server import create_server
app = Flask("minimal")
app.get("/ping")(lambda: {"ok": True})
server = create_server(app, host="127.0.0.1", port=0)
print(f"serving on http://127.0.0.1:{server.effective_port}", flush=True)
server.run()
"""

API_READ = "/pro-gallery/v2/galleries"
#: The installed `fakegallery` command, as a user starts it (`python -m
#: fakegallery` also loads runpy, a few ms more).
SCRIPT = os.path.join(os.path.dirname(sys.executable), "fakegallery")
FAKE = [
    *([SCRIPT] if os.path.exists(SCRIPT) else [sys.executable, "-m", "fakegallery"]),
    *["serve", "--port", "0"],
]

#: name → (command, path of the first request, headers)
VARIANTS: dict[str, tuple[list[str], str, dict[str, str]]] = {
    "minimal Flask + waitress": ([sys.executable, "-c", MINIMAL], "/ping", {}),
    "fakegallery serve --no-fixtures": (
        [*FAKE, "--no-fixtures"],
        API_READ,
        {"Authorization": "cold"},
    ),
    "fakegallery serve (shipped fixtures)": (FAKE, API_READ, {"Authorization": "cold"}),
}


def first_answer(
    command: list[str],
    path: str,
    headers: dict[str, str],
    env: dict[str, str] | None = None,
) -> tuple[float, float]:
    """Seconds from spawn to the end of the first 200 answer, and the CPU
    seconds the process used in its life (it is killed right after that
    answer). CPU time hardly moves with the machine's load; wall time does."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        # not a checkout: `-m` puts the working directory first on sys.path
        cwd=tempfile.gettempdir(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on http://" not in line:
            raise RuntimeError(f"{command}: unexpected first line {line!r}")
        host_port = line.split("http://", 1)[1].strip().split("/")[0]
        host, port = host_port.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{command}: {path} answered {response.status}")
        elapsed = time.perf_counter() - start
        conn.close()
    finally:
        process.kill()  # no clean-up: its CPU time then ends at the answer
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_utime + usage.ru_stime


def compile_package(root: str | None = None) -> None:
    """Byte-compile fakegallery as an installed wheel is, so that no variant
    pays for compiling source (PYTHONDONTWRITEBYTECODE would otherwise make
    every start of a checkout compile it again; Flask's are compiled)."""
    import fakegallery

    package = os.path.dirname(fakegallery.__file__)
    if root is not None:
        package = os.path.join(root, "fakegallery")
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)


def variants(baseline: str | None) -> dict[str, Any]:
    """name → (command, path, headers, env); with `baseline` (a checkout of
    another version) its two fakegallery rows as well, run the same way."""
    chosen: dict[str, Any] = {k: (*v, None) for k, v in VARIANTS.items()}
    if baseline:
        env = {**os.environ, "PYTHONPATH": baseline}
        for name, (command, path, headers) in list(VARIANTS.items())[1:]:
            chosen[f"baseline: {name}"] = (command, path, headers, env)
    return chosen


def measure(
    rounds: int,
    progress: Callable[[str], None] = say,
    baseline: str | None = None,
) -> dict[str, Any]:
    compile_package()
    if baseline:
        compile_package(baseline)
    plan = variants(baseline)
    names = list(plan)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for name in names:  # warm the file cache
        first_answer(*plan[name])
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, used = first_answer(*plan[name])
            wall[name].append(elapsed)
            cpu[name].append(used)
        progress(f"cold round {index + 1}/{rounds}")
    rows = {}
    for name in names:
        ratios = [a / b for a, b in zip(wall[name], wall[names[0]], strict=True)]
        cpu_ratios = [a / b for a, b in zip(cpu[name], cpu[names[0]], strict=True)]
        rows[name] = {
            "ms": round(statistics.median(wall[name]) * 1e3, 1),
            "vs_minimal": round(statistics.median(ratios), 3),
            "range": [round(min(ratios), 3), round(max(ratios), 3)],
            "cpu_ms": round(statistics.median(cpu[name]) * 1e3, 1),
            "cpu_vs_minimal": round(statistics.median(cpu_ratios), 3),
        }
    return {"rows": rows}


def show(result: dict[str, Any]) -> str:
    lines = [
        "| process | first answer | ÷ minimal (range) | CPU | CPU ÷ minimal |",
        "|---|---|---|---|---|",
    ]
    for name, row in result["rows"].items():
        low, high = row["range"]
        lines.append(
            f"| {name} | {row['ms']:.0f} ms | {row['vs_minimal']:.2f}× "
            f"({low:.2f}–{high:.2f}) | {row['cpu_ms']:.0f} ms | "
            f"{row['cpu_vs_minimal']:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument(
        "--baseline", default=None, help="a checkout of another version, side by side"
    )
    args = parser.parse_args()
    print(show(measure(args.rounds, baseline=args.baseline)))


if __name__ == "__main__":
    main()
