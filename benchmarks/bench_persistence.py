"""Durable mode against memory only (docs/persistence.md), side by side.

Per request: POST one item, PATCH one item and GET one item on an in-process
server (requests over a socket, as bench_targets.py), memory vs `DATA_DIR` vs
`DATA_DIR` + `DATA_DIR_FSYNC`, in interleaved rounds; each figure is the
median over rounds of (variant's round median ÷ memory's round median). Then
the fake's own CPU time per request, socket-free (steady on a busy machine,
where wall-clock latency is not). Then start-up with 10,000 stored items, and
export/import of them.

    .venv/bin/python benchmarks/bench_persistence.py [rounds] [requests-per-round]
"""

from __future__ import annotations

import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from common import timed

from fakegallery import create_app, get_fake
from fakegallery.seeding import demo
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.transfer import checks, document, importing

SITE = "5a1e0c7d-8888-4222-8333-944455566677"
HEADERS = {"Authorization": "bench", "wix-site-id": SITE}
ITEM = {
    "title": "t",
    "image": {"imageInfo": {"id": "a~mv2.jpg", "width": 4, "height": 3}},
}


def variant(
    config: dict[str, Any],
) -> tuple[FakeGalleryServer, dict[str, Callable[[], object]]]:
    app = create_app({"SEED": 1, **config})
    server = FakeGalleryServer(app).start()
    session = requests.Session()
    session.trust_env = False
    session.headers.update(HEADERS)
    base = server.url + "/pro-gallery/v2"
    gid = session.post(f"{base}/galleries", json={}).json()["gallery"]["id"]
    made = session.post(f"{base}/galleries/{gid}/items", json={"item": ITEM}).json()
    item_url = f"{base}/galleries/{gid}/items/{made['item']['id']}"

    def ok(response: requests.Response) -> object:
        assert response.status_code == 200, response.text
        return response.json()

    calls: dict[str, Callable[[], object]] = {
        "POST one item": lambda: ok(
            session.post(f"{base}/galleries/{gid}/items", json={"item": ITEM})
        ),
        "PATCH one item": lambda: ok(
            session.patch(item_url, json={"item": {"title": "x"}})
        ),
        "GET one item": lambda: ok(session.get(item_url)),
    }
    return server, calls


def per_request(rounds: int, count: int, root: Path) -> None:
    configs = {
        "memory": {},
        "data dir": {"DATA_DIR": str(root / "rounds")},
        "data dir + fsync": {"DATA_DIR": str(root / "fsync"), "DATA_DIR_FSYNC": True},
    }
    built = {name: variant(config) for name, config in configs.items()}
    operations = list(built["memory"][1])
    for _server, calls in built.values():
        for call in calls.values():
            timed(call, 10)
    ratios: dict[tuple[str, str], list[float]] = {}
    base: dict[str, list[float]] = {op: [] for op in operations}
    for index in range(rounds):
        names = list(built) if index % 2 == 0 else list(reversed(built))
        for op in operations:
            medians = {name: timed(built[name][1][op], count) for name in names}
            base[op].append(medians["memory"])
            for name in names:
                ratios.setdefault((op, name), []).append(
                    medians[name] / medians["memory"]
                )
    for op in operations:
        memory = statistics.median(base[op])
        print(f"{op:16} memory {memory * 1e6:7.0f} µs", end="")
        for name in list(built)[1:]:
            print(f"   {name} {statistics.median(ratios[(op, name)]):5.2f}×", end="")
        print()
    for server, _calls in built.values():
        get_fake(server.app).close()
        server.stop()


def cpu_per_request(rounds: int, count: int, root: Path) -> None:
    """The fake's own CPU time per request (socket-free, in this thread):
    what durable mode adds, whatever else the machine is doing."""
    clients = {}
    for name, config in (("memory", {}), ("data dir", {"DATA_DIR": str(root / "cpu")})):
        app = create_app({"SEED": 1, **config})
        client = app.test_client()
        base = "/pro-gallery/v2/galleries"
        gid = client.post(base, json={}, headers=HEADERS).json["gallery"]["id"]  # type: ignore[index]
        made = client.post(f"{base}/{gid}/items", json={"item": ITEM}, headers=HEADERS)
        item = f"{base}/{gid}/items/{made.json['item']['id']}"  # type: ignore[index]
        clients[name] = (app, client, f"{base}/{gid}/items", item)
    samples: dict[tuple[str, str], list[float]] = {}
    for index in range(rounds):
        for name in list(clients) if index % 2 == 0 else list(reversed(clients)):
            _app, client, items, item = clients[name]
            calls = {
                "POST": (client.post, items, {"json": {"item": ITEM}}),
                "PATCH": (client.patch, item, {"json": {"item": {"title": "y"}}}),
                "GET": (client.get, item, {}),
            }
            for op, (method, url, body) in calls.items():
                start = time.thread_time()
                for _ in range(count):
                    method(url, headers=HEADERS, **body)
                samples.setdefault((op, name), []).append(
                    (time.thread_time() - start) / count
                )
    for op in ("POST", "PATCH", "GET"):
        memory = statistics.median(samples[(op, "memory")])
        durable = statistics.median(samples[(op, "data dir")])
        print(
            f"CPU per {op:5} memory {memory * 1e6:5.0f} µs · data dir "
            f"{durable * 1e6:5.0f} µs ({durable / memory:.2f}×)"
        )
    for app, *_rest in clients.values():
        get_fake(app).close()


def best(call: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def ten_thousand(root: Path) -> None:
    data_dir = str(root / "big")
    fixture = root / "big.json"
    fixture.write_bytes(demo.dumps(demo.generate(10, 1000, seed=3, site_id=SITE)))
    app = create_app({"SEED": 3, "DATA_DIR": data_dir, "FIXTURES": [str(fixture)]})
    fake = get_fake(app)
    items = sum(
        fake.store.count_items(SITE, g.id) for g in fake.store.list_galleries(SITE)
    )
    start = time.perf_counter()
    exported = document.export(fake)
    export_s = time.perf_counter() - start
    fake.close()
    size = sum(p.stat().st_size for p in Path(data_dir).iterdir())
    mb = len(exported) / 1e6
    print(f"{items} stored items: data dir {size / 1e6:.1f} MB, export {mb:.1f} MB")

    def open_close() -> None:
        get_fake(create_app({"DATA_DIR": data_dir})).close()

    def empty() -> None:
        create_app({})

    def from_fixture() -> None:
        create_app({"FIXTURES": [str(fixture)]})

    durable_s, empty_s, fixture_s = (
        best(open_close, 5),
        best(empty, 5),
        best(from_fixture, 3),
    )
    print(
        f"create_app: empty {empty_s * 1e3:.0f} ms · 10k items from the data dir "
        f"{durable_s * 1e3:.0f} ms · from a fixture file {fixture_s * 1e3:.0f} ms"
    )

    def imported() -> None:
        target = get_fake(create_app({"SEED": 1}))
        import orjson

        importing.apply(
            target, checks.check_document(target, orjson.loads(exported), "all")
        )

    import_s = best(imported, 3)
    print(
        f"export 10k items {export_s * 1e3:.0f} ms · "
        f"import (check + apply) {import_s * 1e3:.0f} ms"
    )

    cold = [sys.executable, "-c", COLD]
    durable_cold = best(lambda: subprocess.run([*cold, data_dir], check=True), 3)
    memory_cold = best(lambda: subprocess.run([*cold, ""], check=True), 3)
    ratio = durable_cold / memory_cold
    print(
        f"cold process to first answer: memory (empty) {memory_cold:.2f} s · "
        f"data dir with 10k items {durable_cold:.2f} s ({ratio:.2f}×)"
    )


COLD = (
    "import sys, requests; from fakegallery import create_app, get_fake; "
    "from fakegallery.testing.server import FakeGalleryServer; "
    "app = create_app({'DATA_DIR': sys.argv[1] or None}); "
    "s = FakeGalleryServer(app).start(); "
    "requests.get(s.url + '/_fake/health').json(); s.stop(); get_fake(app).close()"
)


def main(rounds: int = 7, count: int = 100) -> None:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as root:
        per_request(rounds, count, Path(root))
        cpu_per_request(rounds, count, Path(root))
        ten_thousand(Path(root))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
