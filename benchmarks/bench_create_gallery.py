"""createGallery with many items over HTTP: how its time grows with the item
count, how it compares with a floor, and how long another site's reads wait
meanwhile.

Each measurement runs in a fresh process: a fake server, one gallery on
another site, a reader thread that lists that site's galleries in a loop, and
one createGallery of N image items. Then, without the reader, the floor: the
same body POSTed to a bare Flask view on waitress that parses it and answers
the create's exact response bytes (what any server must do to take and answer
that request). Reported per N: the create's time, its ratio to the floor, the
slowest read during it, and the reads' median. Targets (same run):

- a 16,000-item create under a second (issue 14);
- linear: time(16k) / time(2k) ≤ 12 (8 is linear; the quadratic version
  measured 25–30);
- the slowest read of another site ≤ 0.25 × the create's time (it waits only
  while the create stores, not while it validates and prepares).

The fake server is the in-process `FakeGalleryServer` (the reader and the
writer then share its process and its GIL), or with ``--serve`` a
`fakegallery serve` process of its own. ``--against DIR`` also measures the
package in DIR (another checkout, e.g. the code before a change), interleaved
round by round with this one.

    .venv/bin/python benchmarks/bench_create_gallery.py [--rounds R] [--serve] \
        [--against DIR] [N ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

SITE = "5a1e0c7d-8888-4222-8333-944455566677"
OTHER = "6b2f1d8e-8888-4333-9444-a55566677788"
SIZES = (2000, 16000)


def child(n: int, serve: bool) -> dict[str, float]:
    """One measurement in this process (run by the parent in a subprocess)."""
    import orjson
    import requests

    items = [
        {
            "title": f"t{i}",
            "image": {
                "imageInfo": {"id": f"11062b_{i:x}~mv2.jpg", "width": 8, "height": 6}
            },
        }
        for i in range(n)
    ]
    body = orjson.dumps({"gallery": {"name": "big", "items": items}})
    with fake_server(serve) as url:
        reader = requests.Session()
        reader.trust_env = False
        reader.headers.update({"Authorization": "k", "wix-site-id": OTHER})
        galleries = url + "/pro-gallery/v2/galleries"
        reader.post(galleries, json={"gallery": {"name": "other"}}).raise_for_status()
        waits: list[float] = []
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                start = time.perf_counter()
                reader.get(galleries).raise_for_status()
                waits.append(time.perf_counter() - start)

        writer = requests.Session()
        writer.trust_env = False
        headers = {"Authorization": "k", "wix-site-id": SITE}
        headers["Content-Type"] = "application/json"
        thread = threading.Thread(target=read)
        thread.start()
        start = time.perf_counter()
        response = writer.post(galleries, data=body, headers=headers)
        took = time.perf_counter() - start
        done.set()
        thread.join()
        response.raise_for_status()
        assert response.json()["gallery"]["totalItems"] == n
    return {
        "create": took,
        "floor": floor(body, response.content),
        "slowest_read": max(waits),
        "median_read": statistics.median(waits),
        "reads": len(waits),
    }


@contextlib.contextmanager
def fake_server(serve: bool) -> Iterator[str]:
    """The fake's base URL: in this process, or a `fakegallery serve` process."""
    if not serve:
        from fakegallery import create_app
        from fakegallery.testing.server import FakeGalleryServer

        with FakeGalleryServer(create_app({"SEED": 1})) as server:
            yield server.url
        return
    import requests

    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        command = [sys.executable, "-m", "fakegallery", "serve", "--port", "0"]
        command += ["--port-file", str(port_file), "--no-fixtures", "--seed", "1"]
        # run from the temp dir: `-m` puts the working directory first on
        # sys.path, which would shadow the package PYTHONPATH names (--against)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=tmp)
        try:
            deadline = time.monotonic() + 60
            while not port_file.exists() or not port_file.read_text().strip():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("fakegallery serve did not start")
                time.sleep(0.05)
            url = f"http://127.0.0.1:{port_file.read_text().strip()}"
            while True:  # the port is bound: poll until it answers
                try:
                    requests.get(url + "/_fake/sites", timeout=5)
                    break
                except requests.ConnectionError:
                    time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def floor(body: bytes, answer: bytes) -> float:
    """Seconds to POST `body` to a bare Flask view on waitress that parses it
    and answers `answer` (the same bytes as the create's response)."""
    import orjson
    import requests
    from flask import Flask, Response, request
    from waitress.server import create_server

    app = Flask("floor")

    @app.post("/echo")
    def echo() -> Response:
        orjson.loads(request.get_data())
        return Response(answer, mimetype="application/json")

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        session = requests.Session()
        session.trust_env = False
        url = f"http://127.0.0.1:{server.effective_port}/echo"  # type: ignore[union-attr]
        headers = {"Content-Type": "application/json"}
        session.post(url, data=b"{}", headers=headers)  # warm
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            session.post(url, data=body, headers=headers).raise_for_status()
            samples.append(time.perf_counter() - start)
        return min(samples)
    finally:
        server.close()


def run(n: int, package: Path | None, serve: bool) -> dict[str, float]:
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    extra = ["--serve"] if serve else []
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n), *extra],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, default=None)
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--child", type=int, default=None)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.serve)))
        return
    variants: dict[str, Path | None] = {"this": None}
    if args.against is not None:
        variants = {"against": args.against.resolve(), **variants}
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    for round_ in range(args.rounds):
        for name, package in variants.items():
            for n in args.sizes:
                result = run(n, package, args.serve)
                results.setdefault((name, n), []).append(result)
                median_ms = result["median_read"] * 1000
                print(
                    f"round {round_ + 1} {name:8} n={n:6}: "
                    f"create {result['create']:.2f} s "
                    f"= {result['create'] / result['floor']:.1f} × floor "
                    f"({result['floor'] * 1000:.0f} ms), "
                    f"slowest other-site read {result['slowest_read']:.3f} s "
                    f"(median {median_ms:.1f} ms, {result['reads']:.0f} reads)",
                    flush=True,
                )
    print("\nmedians over rounds:")
    for (name, n), runs in results.items():
        create = statistics.median(r["create"] for r in runs)
        ratio = statistics.median(r["create"] / r["floor"] for r in runs)
        slowest = statistics.median(r["slowest_read"] for r in runs)
        print(
            f"  {name:8} n={n:6}: create {create:.2f} s = {ratio:.1f} × floor, "
            f"slowest read {slowest:.3f} s = {slowest / create:.2f} × create"
        )
    for name in variants:
        small, large = min(args.sizes), max(args.sizes)
        if small == large:
            continue
        ratio = statistics.median(r["create"] for r in results[(name, large)]) / (
            statistics.median(r["create"] for r in results[(name, small)])
        )
        print(
            f"  {name:8} time({large}) / time({small}) = {ratio:.1f} "
            f"(linear: {large / small:.0f})"
        )


if __name__ == "__main__":
    main()
