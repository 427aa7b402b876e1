"""Memory per stored item and per recorded event, each measured in a fresh
process: the growth of the resident set (RSS) and of what tracemalloc traces
while a gallery of n items is stored, and what the event log frees when it is
cleared after n writes (each write records one event).

    python benchmarks/memory.py [--items 10000,100000] [--events 10000]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import subprocess
import sys
import tracemalloc
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))


def rss() -> int:
    """Resident bytes, after giving freed memory back to the system (so that
    the garbage of loading does not count as what is kept)."""
    gc.collect()
    # not glibc: RSS then includes freed-but-kept memory
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def store_child(n: int, kind: str) -> dict[str, Any]:
    """One gallery of n ~600-byte items, stored as the fixture loader stores
    them. RSS and tracemalloc are measured in separate processes: tracing
    costs memory of its own.

    `store`: the validated input (n item dicts, as a parsed fixture holds
    them) exists before the first RSS reading and is dropped after the
    second: the growth is what storing the items costs. `store-with-input`:
    the input is built between the readings as well; Python's allocator keeps
    most of the pages the dropped input used (they share arenas with what
    stays), so this is what a process that parsed its own large input holds.
    `store-traced`: what tracemalloc counts as live after the input is gone."""
    from data import SITE, fill, gallery_id, gallery_spec, new_fake, validated_item

    _app, fake = new_fake()
    fill(fake, SITE, 1, 10)  # everything imported and warm
    fake.reset()
    gid = gallery_id(0)
    spec = None
    if kind == "store":
        spec = gallery_spec(gid, n, validated_item())
    before = rss()
    if kind == "store-traced":
        tracemalloc.start()
    if spec is None:
        spec = gallery_spec(gid, n, validated_item())
    fake.gallery.import_gallery(SITE, spec)
    del spec
    if kind == "store-traced":
        gc.collect()
        grown, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    else:
        grown = rss() - before
    items = fake.store.list_items(SITE, gid)
    body = sum(len(i.body) for i in items) / len(items)
    key = {
        "store": "rss_per_item",
        "store-with-input": "rss_with_input_per_item",
        "store-traced": "traced_per_item",
    }[kind]
    return {"items": n, "body_bytes": round(body), key: round(grown / n)}


def events_child(n: int) -> dict[str, Any]:
    """n writes fill the log (its bound is 10,000 events); n more writes
    replace them. RSS per event = (growth over the first n − growth over the
    next n) ÷ n, since both grow the store alike. tracemalloc: what clearing
    the full log frees."""
    from data import API, ITEM, SITE, client, fill, new_fake

    # the request journal (a bounded buffer of its own) off: only events grow
    app, fake = new_fake(JOURNAL=False)
    (gid,) = fill(fake, SITE, 1, 1)
    http = client(app)
    url = f"{API}/galleries/{gid}/items"
    item_id = "00000000-0000-4000-8000-000000000000"
    made: list[str] = []

    def writes(count: int) -> None:
        # a mix: create, update, delete in turn (one event each)
        for index in range(count):
            step = index % 3
            if step == 0:
                answer = http.post(url, json={"item": ITEM}).json()
                made.append(answer["item"]["id"])
            elif step == 1:
                body = {"item": {"title": f"t{index}"}}
                http.patch(f"{url}/{item_id}", json=body)
            else:
                http.delete(f"{url}/{made.pop()}")

    writes(30)  # warm
    fake.events.reset()
    gc.collect()
    start = rss()
    writes(n)
    gc.collect()
    first = rss() - start
    recorded = len(fake.events.list())
    writes(n)
    gc.collect()
    second = rss() - start - first
    tracemalloc.start()
    fake.events.reset()
    writes(n)
    gc.collect()
    full, _ = tracemalloc.get_traced_memory()
    fake.events.reset()
    gc.collect()
    cleared, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "events": recorded,
        "mix": "create, update, delete in turn",
        "rss_per_event": round((first - second) / recorded),
        "traced_per_event": round((full - cleared) / recorded),
    }


def child(kind: str, n: int) -> dict[str, Any]:
    sys.path.insert(0, HERE)
    if kind == "events":
        return events_child(n)
    return store_child(n, kind)


def run_child(kind: str, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def measure(items: list[int], events: int) -> dict[str, Any]:
    return {
        "store": [
            {
                **run_child("store", n),
                **run_child("store-with-input", n),
                **run_child("store-traced", n),
            }
            for n in items
        ],
        "events": run_child("events", events),
    }


def show(result: dict[str, Any]) -> str:
    lines = [
        "| stored | JSON per item | RSS per item | traced per item "
        "| RSS per item, input built in the process too |",
        "|---|---|---|---|---|",
    ]
    for row in result["store"]:
        lines.append(
            f"| {row['items']:,} items | {row['body_bytes']} B | "
            f"{row['rss_per_item']} B | {row['traced_per_item']} B | "
            f"{row['rss_with_input_per_item']} B |"
        )
    ev = result["events"]
    lines += [
        "",
        f"event log: {ev['events']:,} events ({ev['mix']}): "
        f"{ev['rss_per_event']} B RSS, {ev['traced_per_event']} B traced per event",
    ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], int(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="10000,100000")
    parser.add_argument("--events", type=int, default=10000)
    args = parser.parse_args()
    result = measure([int(n) for n in args.items.split(",")], args.events)
    print(show(result))


if __name__ == "__main__":
    main()
