"""The scale table: single-item operations on a gallery of n items, and the
gallery operations among n/10 galleries, through the socket-free client,
interleaved with F. Every size is its own fake in this process, so one round
measures every size side by side; the figure that matters is (cost at n ÷ cost
at the smallest n), the median over rounds.

    python benchmarks/scale.py [--sizes 10,1000,10000,100000] [--rounds 5] [--count 30]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import requests
from common import Run, Variant, interleave, say, timed
from data import API, ITEM, OTHER_SITE, SITE, client, fill, new_fake

#: (label, function of a Scale giving a variant)
OPERATIONS = (
    "POST item",
    "PATCH item",
    "PATCH item sortOrder",
    "DELETE item",
    "GET item",
    "GET gallery first page, after a write",
    "LIST galleries among n/10",
    "POST gallery among n/10",
)


def _ok(response: requests.Response) -> Any:
    if response.status_code != 200:
        raise AssertionError(f"{response.status_code}: {response.text[:300]}")
    return response.json()


class Scale:
    """One fake: a gallery of `n` items in SITE, n/10 galleries (at least 10,
    so the smallest size compares with "among 10"; 2 items each) in
    OTHER_SITE, and the variants that act on them. The first page of the
    gallery is asked with itemLimit=10, so every size answers as many items
    (the default page, 50, would grow with n up to 50 and measure the answer's
    size, not the gallery's)."""

    def __init__(self, n: int, seed: int = 1) -> None:
        self.n = n
        self.app, self.fake = new_fake()
        start = time.perf_counter()
        (self.gid,) = fill(self.fake, SITE, 1, n)
        fill(self.fake, OTHER_SITE, max(10, n // 10), 2)
        self.fill_seconds = time.perf_counter() - start
        self.http = client(self.app)
        self.other = client(self.app, OTHER_SITE)
        self.items = f"{API}/galleries/{self.gid}/items"
        self.ids = [f"00000000-0000-4000-8000-{i:012d}" for i in range(n)]
        self.random = random.Random(seed)

    def pick(self) -> str:
        return self.ids[self.random.randrange(len(self.ids))]

    def post_item(self, count: int) -> float:
        created: list[str] = []

        def call() -> None:
            created.append(
                _ok(self.http.post(self.items, json={"item": ITEM}))["item"]["id"]
            )

        median = timed(call, count)
        self._remove(created)
        return median

    def _remove(self, item_ids: list[str]) -> None:
        for start in range(0, len(item_ids), 100):
            chunk = item_ids[start : start + 100]
            _ok(self.http.post(f"{self.items}/delete", json={"itemIds": chunk}))

    def patch_item(self, count: int) -> float:
        def call() -> None:
            body = {"item": {"title": f"t{self.random.random()}"}}
            _ok(self.http.patch(f"{self.items}/{self.pick()}", json=body))

        return timed(call, count)

    def patch_sort_order(self, count: int) -> float:
        def call() -> None:
            # a random place among the others: the item moves in the order
            value = round(self.random.uniform(0, self.n), 6)
            body = {"item": {"sortOrder": value}}
            _ok(self.http.patch(f"{self.items}/{self.pick()}", json=body))

        return timed(call, count)

    def delete_item(self, count: int) -> float:
        made = [
            _ok(self.http.post(self.items, json={"item": ITEM}))["item"]["id"]
            for _ in range(count)
        ]
        remaining = iter(made)

        def call() -> None:
            _ok(self.http.delete(f"{self.items}/{next(remaining)}"))

        return timed(call, count)

    def get_item(self, count: int) -> float:
        return timed(lambda: _ok(self.http.get(f"{self.items}/{self.pick()}")), count)

    def get_gallery_after_write(self, count: int) -> float:
        samples = []
        url = f"{API}/galleries/{self.gid}?itemLimit=10"
        for _ in range(count):
            body = {"item": {"title": f"t{self.random.random()}"}}
            _ok(self.http.patch(f"{self.items}/{self.pick()}", json=body))
            start = time.perf_counter()
            _ok(self.http.get(url))
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)

    def list_galleries(self, count: int) -> float:
        return timed(lambda: _ok(self.other.get(f"{API}/galleries")), count)

    def post_gallery(self, count: int) -> float:
        created: list[str] = []

        def call() -> None:
            answer = _ok(self.other.post(f"{API}/galleries", json={"gallery": {}}))
            created.append(answer["gallery"]["id"])

        median = timed(call, count)
        for gid in created:
            _ok(self.other.delete(f"{API}/galleries/{gid}"))
        return median

    def variants(self) -> dict[str, Variant]:
        return dict(
            zip(
                OPERATIONS,
                (
                    self.post_item,
                    self.patch_item,
                    self.patch_sort_order,
                    self.delete_item,
                    self.get_item,
                    self.get_gallery_after_write,
                    self.list_galleries,
                    self.post_gallery,
                ),
                strict=True,
            )
        )


def measure(
    sizes: list[int], rounds: int, count: int, progress: Callable[[str], None] = say
) -> dict[str, Any]:
    scales = []
    for n in sizes:
        scale = Scale(n)
        progress(f"filled n={n} in {scale.fill_seconds:.1f} s")
        scales.append(scale)
    variants: dict[str, Variant] = {}
    for scale in scales:
        for op, variant in scale.variants().items():
            variants[f"{op} @{scale.n}"] = variant
    run = interleave(variants, rounds, count, progress=progress)
    return table(run, sizes)


def table(run: Run, sizes: list[int]) -> dict[str, Any]:
    """Per operation: ms and × F at each size, and each size ÷ the smallest."""
    rows: dict[str, Any] = {}
    smallest = sizes[0]
    for op in OPERATIONS:
        rows[op] = {
            str(n): {
                "ms": round(run.figures[f"{op} @{n}"].micros / 1e3, 3),
                "F": round(run.ratio(f"{op} @{n}"), 3),
                "vs_smallest": round(run.between(f"{op} @{n}", f"{op} @{smallest}"), 3),
            }
            for n in sizes
        }
    return {"F_us": round(run.floor_micros), "sizes": sizes, "rows": rows}


def show(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    head = "| operation | " + " | ".join(f"{n:,} items" for n in sizes)
    head += f" | {sizes[-1]:,} ÷ {sizes[0]:,} |"
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    for op, row in result["rows"].items():
        cells = [
            f"{row[str(n)]['ms']:.2f} ms ({row[str(n)]['F']:.2f} F)" for n in sizes
        ]
        last = row[str(sizes[-1])]["vs_smallest"]
        lines.append(f"| {op} | " + " | ".join(cells) + f" | {last:.2f}× |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    result = measure(sizes, args.rounds, args.count)
    print(f"F = {result['F_us']} µs")
    print(show(result))


if __name__ == "__main__":
    main()
