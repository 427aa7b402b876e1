"""Benchmark of the plugin's two paths against the floor F of perf.md.

F: median latency of a `requests.Session` GET (+ .json()) of a trivial Flask
/ping on werkzeug `make_server(threaded=True)` in a daemon thread. Interleaved
with it, per round: GET one item and GET a 100-item gallery through the
in-process waitress server (the `fakegallery` fixture's path) and through the
socket-free transport. Each figure is the median over rounds of (variant's round
median ÷ F's round median). Also: server start (app + thread → first 200) and stop.

    .venv/bin/python benchmarks/bench_plugin.py [rounds] [requests-per-round]
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections.abc import Callable

import requests
from common import interleave, repeat

from fakegallery import create_app, get_fake
from fakegallery.seeding import demo, fixtures
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.testing.transport import wsgi_session

SITE = "5a1e0c7d-9999-4222-8333-944455566677"
HEADERS = {"Authorization": "bench", "wix-site-id": SITE}


def lifecycle(rounds: int) -> tuple[float, float, float]:
    """Medians of: create_app; server start (bind, thread, first 200); stop."""
    apps, starts, stops = [], [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        app = create_app({"SEED": 1})
        t1 = time.perf_counter()
        server = FakeGalleryServer(app).start()
        t2 = time.perf_counter()
        server.stop()
        apps.append(t1 - t0)
        starts.append(t2 - t1)
        stops.append(time.perf_counter() - t2)
    median = statistics.median
    return median(apps), median(starts), median(stops)


def main(rounds: int = 7, count: int = 150) -> None:
    app = create_app({"SEED": 1, "FROZEN_TIME": "2026-01-02T03:04:05Z"})
    fake = get_fake(app)
    data = demo.generate(1, 100, seed=1)
    fixtures.load_data(fake, fixtures.validate(data, "bench"), "bench", SITE)
    gallery = data["galleries"][0]
    item_path = f"/pro-gallery/v2/galleries/{gallery['id']}/items/"
    item_path += gallery["items"][0]["id"]
    gallery_path = f"/pro-gallery/v2/galleries/{gallery['id']}?itemLimit=100"

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log
    server = FakeGalleryServer(app).start()
    over_http = requests.Session()
    over_http.trust_env = False  # as the `fakegallery` fixture's client
    over_http.headers.update(HEADERS)
    direct = wsgi_session(app, server.url, HEADERS)

    def get(session: requests.Session, url: str) -> Callable[[], object]:
        def call() -> object:
            response = session.get(url)
            assert response.status_code == 200, response.text
            return response.json()

        return call

    variants = {
        "server: GET one item": get(over_http, server.url + item_path),
        "server: GET 100-item gallery": get(over_http, server.url + gallery_path),
        "transport: GET one item": get(direct, server.url + item_path),
        "transport: GET 100-item gallery": get(direct, server.url + gallery_path),
    }
    run = interleave(
        {name: repeat(call) for name, call in variants.items()},
        rounds,
        count,
        warmup=20,
    )
    server.stop()
    lifecycle_s = lifecycle(rounds)
    f_median = statistics.median(run.floors)
    print(f"F = {run.floor_micros:.0f} µs (median of {rounds} rounds × {count})")
    print(f"{'operation':36} {'median µs':>10} {'× F':>6}")
    for name in variants:
        figure = run.figures[name]
        print(f"{name:36} {figure.micros:10.0f} {figure.ratio:6.2f}")
    names = ("create_app (no fixtures)", "server start (→ first 200)", "server stop")
    for name, seconds in zip(names, lifecycle_s, strict=True):
        print(f"{name:36} {seconds * 1e6:10.0f} {seconds / f_median:6.2f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
