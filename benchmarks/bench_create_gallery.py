"""createGallery with many items over HTTP: how its time grows with the item
count, and how long another site's reads wait meanwhile.

Each measurement runs in a fresh process: a FakeGalleryServer, one gallery on
another site, a reader thread that lists that site's galleries in a loop, and
one createGallery of N image items. Reported per N: the create's time, the
slowest read during it, and the reads' median. Targets (ratios, same run):

- linear: time(16k) / time(2k) ≤ 12 (8 is linear; the quadratic version
  measured 25–30);
- the slowest read of another site ≤ 0.25 × the create's time (it waits only
  while the create stores, not while it validates and prepares).

``--against DIR`` also measures the package in DIR (another checkout, e.g. the
code before a change), interleaved round by round with this one.

    .venv/bin/python benchmarks/bench_create_gallery.py [--rounds R] \
        [--against DIR] [N ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

SITE = "5a1e0c7d-8888-4222-8333-944455566677"
OTHER = "6b2f1d8e-8888-4333-9444-a55566677788"
SIZES = (2000, 16000)


def child(n: int) -> dict[str, float]:
    """One measurement in this process (run by the parent in a subprocess)."""
    import orjson
    import requests

    from fakegallery import create_app
    from fakegallery.testing.server import FakeGalleryServer

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
    with FakeGalleryServer(create_app({"SEED": 1})) as server:
        reader = requests.Session()
        reader.trust_env = False
        reader.headers.update({"Authorization": "k", "wix-site-id": OTHER})
        galleries = server.url + "/pro-gallery/v2/galleries"
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
        "slowest_read": max(waits),
        "median_read": statistics.median(waits),
        "reads": len(waits),
    }


def run(n: int, package: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(n)],
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
    parser.add_argument("--child", type=int, default=None)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child)))
        return
    variants: dict[str, Path | None] = {"this": None}
    if args.against is not None:
        variants = {"against": args.against.resolve(), **variants}
    results: dict[tuple[str, int], list[dict[str, float]]] = {}
    for round_ in range(args.rounds):
        for name, package in variants.items():
            for n in args.sizes:
                result = run(n, package)
                results.setdefault((name, n), []).append(result)
                median_ms = result["median_read"] * 1000
                print(
                    f"round {round_ + 1} {name:8} n={n:6}: "
                    f"create {result['create']:.2f} s, "
                    f"slowest other-site read {result['slowest_read']:.3f} s "
                    f"(median {median_ms:.1f} ms, {result['reads']:.0f} reads)",
                    flush=True,
                )
    print("\nmedians over rounds:")
    for (name, n), runs in results.items():
        create = statistics.median(r["create"] for r in runs)
        slowest = statistics.median(r["slowest_read"] for r in runs)
        print(
            f"  {name:8} n={n:6}: create {create:.2f} s, slowest read {slowest:.3f} s "
            f"= {slowest / create:.2f} × create"
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
