"""The rest of perf.md's targets, as ratios to the floor F (common.py,
interleaved rounds and medians):

T2 POST/PATCH one item · T3/T9 per-site reset · T5 marginal cost per listed item
· T8 cold process vs a minimal Flask one · T10 8 client threads · T12 reset of a
10k-item store.

    .venv/bin/python benchmarks/bench_targets.py [rounds] [requests-per-round]
"""

from __future__ import annotations

import logging
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import requests
from common import interleave, repeat

from fakegallery import create_app, get_fake
from fakegallery.seeding import demo, fixtures
from fakegallery.testing.server import FakeGalleryServer

SITE = "5a1e0c7d-8888-4222-8333-944455566677"
HEADERS = {"Authorization": "bench", "wix-site-id": SITE}
ITEM = {
    "title": "t",
    "image": {"imageInfo": {"id": "a~mv2.jpg", "width": 4, "height": 3}},
}

COLD_FAKE = (
    "import requests; from fakegallery import create_app; "
    "from fakegallery.testing.server import FakeGalleryServer; "
    "s = FakeGalleryServer(create_app()).start(); "
    "requests.get(s.url + '/_fake/health').json(); s.stop()"
)
COLD_FLASK = (
    "import threading, requests; from flask import Flask; "
    "from werkzeug.serving import make_server; app = Flask('m'); "
    "app.get('/ping')(lambda: {'ok': True}); "
    "s = make_server('127.0.0.1', 0, app, threaded=True); "
    "threading.Thread(target=s.serve_forever, daemon=True).start(); "
    "requests.get(f'http://127.0.0.1:{s.server_port}/ping').json()"
)


def cold(code: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def threaded_rate(call: Callable[[], object], threads: int, count: int) -> float:
    """Requests per second with `threads` clients making `count` calls each."""

    def worker() -> None:
        for _ in range(count):
            call()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return threads * count / (time.perf_counter() - start)


def main(rounds: int = 5, count: int = 100) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 8-thread burst
    app = create_app({"SEED": 1})
    fake = get_fake(app)
    data = demo.generate(11, 10, seed=2)
    fixtures.load_data(fake, fixtures.validate(data, "bench"), "bench", SITE)
    server = FakeGalleryServer(app).start()
    session = requests.Session()
    session.trust_env = False
    session.headers.update(HEADERS)
    base = server.url + "/pro-gallery/v2"
    gid = session.post(f"{base}/galleries", json={}).json()["gallery"]["id"]
    item_id = session.post(f"{base}/galleries/{gid}/items", json={"item": ITEM}).json()
    item_url = f"{base}/galleries/{gid}/items/{item_id['item']['id']}"
    scratch = "5a1e0c7d-7777-4222-8333-944455566677"

    def ok(response: requests.Response) -> object:
        assert response.status_code == 200, response.text
        return response.json()

    variants: dict[str, Callable[[], object]] = {
        "T2 POST one item": lambda: ok(
            session.post(f"{base}/galleries/{gid}/items", json={"item": ITEM})
        ),
        "T2 PATCH one item": lambda: ok(
            session.patch(item_url, json={"item": {"title": "x"}})
        ),
        "T3 POST /_fake/reset?siteId=": lambda: ok(
            session.post(f"{server.url}/_fake/reset?siteId={scratch}")
        ),
        "list 10 galleries × 1 item": lambda: ok(
            session.get(f"{base}/galleries?itemLimit=1")
        ),
        "list 10 galleries × 10 items": lambda: ok(
            session.get(f"{base}/galleries?itemLimit=10")
        ),
    }
    run = interleave(
        {name: repeat(call) for name, call in variants.items()},
        rounds,
        count,
        warmup=10,
    )
    f_median = statistics.median(run.floors)
    print(f"F = {run.floor_micros:.0f} µs")
    for name in variants:
        print(f"{name:34} {run.ratio(name):6.2f} F")
    many, few = "list 10 galleries × 10 items", "list 10 galleries × 1 item"
    per_item = (run.ratio(many) - run.ratio(few)) / 90
    print(f"{'T5 marginal cost per listed item':34} {per_item:6.3f} F")

    get_item = variants["T2 PATCH one item"]
    one = threaded_rate(get_item, 1, count * 2)
    eight = threaded_rate(get_item, 8, count // 4 or 1)
    print(f"{'T10 8 threads / 1 thread req/s':34} {eight / one:6.2f}")
    server.stop()

    big = create_app({"SEED": 3})
    big_fake = get_fake(big)
    data = demo.generate(10, 1000, seed=3)
    start = time.perf_counter()
    fixtures.load_data(big_fake, fixtures.validate(data, "big"), "big", SITE)
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    big_fake.reset()
    reset = time.perf_counter() - start
    print(f"{'load 10k items (validate + store)':34} {loaded * 1e3:8.1f} ms")
    print(f"{'T12 reset of a 10k-item store':34} {reset / f_median:6.2f} F")

    fake_cold, flask_cold = cold(COLD_FAKE, 3), cold(COLD_FLASK, 3)
    print(
        f"{'T8 cold process (fake / flask)':34} {fake_cold / flask_cold:6.2f}"
        f"  ({fake_cold:.2f} s / {flask_cold:.2f} s)"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
