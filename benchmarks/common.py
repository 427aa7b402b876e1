"""What every benchmark here shares: the floor F, interleaved rounds, medians,
and a description of the machine.

The method (docs/performance.md): F is the median latency of a default
`requests.Session` GET (+ ``.json()``) of a trivial Flask ``/ping`` served by
werkzeug ``make_server(threaded=True)`` in a daemon thread of the same process.
Each round measures F and then every variant (the order rotates from round to
round); a variant's figure is the median over rounds of (its round median ÷
that round's F). Absolute times move with the machine and its load; ratios to
a floor measured a moment earlier move much less.
"""

from __future__ import annotations

import logging
import os
import platform
import statistics
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: A variant measures itself: given a count, the median seconds of one call.
Variant = Callable[[int], float]


def timed(call: Callable[[], object], count: int) -> float:
    """Median seconds of `count` calls of `call`."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def repeat(call: Callable[[], object]) -> Variant:
    """A variant that times `count` calls of `call`."""
    return lambda count: timed(call, count)


def floor_server() -> tuple[str, Callable[[], None]]:
    """The floor's server: Flask ``/ping`` on werkzeug in a daemon thread."""
    from flask import Flask, jsonify
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log
    app = Flask("floor")

    @app.get("/ping")
    def ping() -> object:
        return jsonify(ok=True)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}", stop


class Floor:
    """F, ready to be measured: a default Session (``trust_env`` on, as in the
    method) against the floor server."""

    def __init__(self) -> None:
        import requests

        self.url, self._stop = floor_server()
        self.session = requests.Session()

    def call(self) -> object:
        return self.session.get(self.url + "/ping").json()

    def close(self) -> None:
        self.session.close()
        self._stop()


@dataclass
class Figure:
    """One variant over the rounds: its round medians and their ratios to F."""

    seconds: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def micros(self) -> float:
        return statistics.median(self.seconds) * 1e6

    def spread(self) -> tuple[float, float]:
        return min(self.ratios), max(self.ratios)


@dataclass
class Run:
    """The result of `interleave`: F per round and every variant's figure."""

    floors: list[float]
    figures: dict[str, Figure]

    @property
    def floor_micros(self) -> float:
        return statistics.median(self.floors) * 1e6

    def ratio(self, name: str) -> float:
        return self.figures[name].ratio

    def between(self, name: str, base: str) -> float:
        """Median over rounds of (name's round median ÷ base's round median):
        a ratio of two variants measured side by side."""
        pairs = zip(self.figures[name].seconds, self.figures[base].seconds, strict=True)
        return statistics.median(a / b for a, b in pairs)


def interleave(
    variants: Mapping[str, Variant],
    rounds: int,
    count: int,
    floor: Floor | None = None,
    warmup: int = 5,
    progress: Callable[[str], None] | None = None,
) -> Run:
    """Measure F and every variant in each of `rounds` rounds (the variants'
    order rotates), `count` calls each."""
    own = floor is None
    floor = floor or Floor()
    try:
        timed(floor.call, warmup)
        for variant in variants.values():
            variant(warmup)
        names = list(variants)
        figures = {name: Figure() for name in names}
        floors: list[float] = []
        for index in range(rounds):
            f = timed(floor.call, count)
            floors.append(f)
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                value = variants[name](count)
                figures[name].seconds.append(value)
                figures[name].ratios.append(value / f)
            if progress:
                progress(f"round {index + 1}/{rounds}: F = {f * 1e6:.0f} µs")
        return Run(floors, figures)
    finally:
        if own:
            floor.close()


def loadavg() -> list[float]:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return []


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """What the figures were measured on, with the load at this moment and
    perf.md's speed probe (`sum(range(1000))`, µs)."""
    probe = min(
        timed(lambda: sum(range(1000)), 2000) for _ in range(5)
    )  # min of medians: the machine's speed, not its load
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
        "sum_range_1000_us": round(probe * 1e6, 1),
        "loadavg": loadavg(),
    }


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
