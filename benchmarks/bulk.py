"""Bulk operations, per item, at several sizes: linear means the cost per item
stays flat as n grows. Each operation runs once per size per round (sizes
interleaved; a size a tenth of the largest or less runs several times and the
round takes the median); the figure is the median over rounds of (µs per item
at n ÷ µs per item at the smallest n).

- fixture load: validate a fixture document of n items and store it
- import (store only): store an already validated gallery of n items
- createGallery with n items in one request
- clone a gallery of n items (createGallery with cloneFromGalleryId)
- delete a gallery of n items (one event per item)
- GET /_fake/state of a site holding n items (the export)

    python benchmarks/bulk.py [--sizes 1000,10000,100000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson
from common import say
from data import (
    API,
    BASE,
    ITEM,
    SITE,
    client,
    fill,
    gallery_id,
    gallery_spec,
    new_fake,
    validated_item,
)

from fakegallery.seeding import fixtures

OPERATIONS = (
    "fixture load (validate + store)",
    "import (store only)",
    "createGallery with n items",
    "clone a gallery of n items",
    "delete a gallery of n items",
    "GET /_fake/state (export)",
)


def _ok(response: Any) -> bytes:
    """The answer's bytes. The client's own JSON parse (the stdlib's, several
    times the server's work for a large answer) stays out of the figures."""
    if response.status_code != 200:
        raise AssertionError(f"{response.status_code}: {response.text[:300]}")
    content: bytes = response.content
    return content


def _clock(action: Callable[[], object]) -> float:
    gc.collect()  # the fakes of earlier measurements: not this one's garbage
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def one_round(n: int) -> dict[str, float]:
    """Seconds of each operation at size n, each on a fresh fake."""
    out: dict[str, float] = {}
    raw = {"galleries": [{"name": "raw", "items": [dict(ITEM) for _ in range(n)]}]}

    _, fake = new_fake()
    out[OPERATIONS[0]] = _clock(
        lambda: fixtures.load_data(fake, fixtures.validate(raw, "bench"), "bench", SITE)
    )

    _, fake = new_fake()
    spec = gallery_spec(gallery_id(0), n, validated_item())
    out[OPERATIONS[1]] = _clock(lambda: fake.gallery.import_gallery(SITE, spec))

    # past the default limits of one request (16 MiB, 20,000 items)
    app, fake = new_fake(MAX_REQUEST_BYTES=1 << 30, MAX_ITEMS_PER_REQUEST=1 << 30)
    http = client(app)
    items = [copy.deepcopy(ITEM) for _ in range(n)]
    # encoded ahead: the client's stdlib JSON encoder stays out of the figure
    body = orjson.dumps({"gallery": {"name": "big", "items": items}})
    json_type = {"Content-Type": "application/json"}
    out[OPERATIONS[2]] = _clock(
        lambda: _ok(http.post(f"{API}/galleries", data=body, headers=json_type))
    )

    app, fake = new_fake(MAX_ITEMS_PER_REQUEST=1 << 30)
    http = client(app)
    (source,) = fill(fake, SITE, 1, n)
    clone = {"cloneFromGalleryId": source}
    out[OPERATIONS[3]] = _clock(lambda: _ok(http.post(f"{API}/galleries", json=clone)))
    out[OPERATIONS[4]] = _clock(lambda: _ok(http.delete(f"{API}/galleries/{source}")))
    state_url = f"{BASE}/_fake/state?siteId={SITE}"
    out[OPERATIONS[5]] = _clock(lambda: _ok(http.get(state_url)))
    return out


def measure(
    sizes: list[int], rounds: int, progress: Callable[[str], None] = say
) -> dict[str, Any]:
    seconds: dict[str, dict[int, list[float]]] = {
        op: {n: [] for n in sizes} for op in OPERATIONS
    }
    for index in range(rounds):
        shift = index % len(sizes)
        for n in sizes[shift:] + sizes[:shift]:
            # A small size takes milliseconds, so one sample of it is mostly
            # noise and so would be the ratio it is the base of: a round
            # takes the median of several (up to 9; one at the largest size).
            repeats = min(9, max(1, max(sizes) // (10 * n)))
            samples = [one_round(n) for _ in range(repeats)]
            for op in OPERATIONS:
                seconds[op][n].append(statistics.median(s[op] for s in samples))
        progress(f"bulk round {index + 1}/{rounds}")
    rows: dict[str, Any] = {}
    smallest = sizes[0]
    for op in OPERATIONS:
        row = {}
        for n in sizes:
            per_item = [s / n for s in seconds[op][n]]
            base = [s / smallest for s in seconds[op][smallest]]
            ratios = [a / b for a, b in zip(per_item, base, strict=True)]
            row[str(n)] = {
                "ms": round(statistics.median(seconds[op][n]) * 1e3, 1),
                "us_per_item": round(statistics.median(per_item) * 1e6, 1),
                "per_item_vs_smallest": round(statistics.median(ratios), 2),
            }
        rows[op] = row
    return {"sizes": sizes, "rows": rows}


def show(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    head = "| operation | " + " | ".join(f"{n:,} items" for n in sizes)
    head += f" | per item, {sizes[-1]:,} ÷ {sizes[0]:,} |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for op, row in result["rows"].items():
        cells = [
            f"{row[str(n)]['ms']:.0f} ms ({row[str(n)]['us_per_item']:.0f} µs/item)"
            for n in sizes
        ]
        last = row[str(sizes[-1])]["per_item_vs_smallest"]
        lines.append(f"| {op} | " + " | ".join(cells) + f" | {last:.2f}× |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(show(measure([int(s) for s in args.sizes.split(",")], args.rounds)))


if __name__ == "__main__":
    main()
