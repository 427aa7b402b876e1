"""The dashboard's pages on big data (docs/dashboard.md#size), as ratios to the
floor F in interleaved rounds (common.py): the
250-item gallery of the shipped `large` fixture, and the Activity page's data
with a full 10,000-entry request journal.

Every figure is what the browser waits for: one HTTP request to an in-process
server, as the page (or its script) sends it. Each round measures F and then
every variant; a figure is the median over rounds of (variant ÷ that round's F).

    .venv/bin/python benchmarks/bench_dashboard.py [rounds] [requests-per-round]
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import requests
from common import interleave, repeat

from fakegallery import create_app, get_fake
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.testing.transport import wsgi_session

LARGE_SITE = "b1a2c3d4-2525-4250-8250-000000000250"
JOURNAL_ENTRIES = 10_000
#: The dashboard script's mark: its own polls stay out of the journal.
MARK = {"X-Fakegallery-Dashboard": "1"}


def fill_journal(app: Any, site: str, gallery_id: str, item_id: str) -> None:
    """10,000 ordinary API calls (socket-free, to be quick): GETs of one item,
    one in 20 a 404, so the status filter has something to find."""
    session = wsgi_session(app)
    session.headers.update({"Authorization": "bench", "wix-site-id": site})
    base = f"/pro-gallery/v2/galleries/{gallery_id}/items"
    for n in range(JOURNAL_ENTRIES):
        missing = n % 20 == 0
        url = (
            f"{base}/{'0' * 8}-0000-4000-8000-{'0' * 12}"
            if missing
            else f"{base}/{item_id}"
        )
        session.get("http://fakegallery.local" + url)


def main(rounds: int = 7, count: int = 30) -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app({"SEED": 1, "FIXTURES": ["large"]})
    fake = get_fake(app)
    galleries = fake.store.list_galleries(LARGE_SITE)
    big = max(galleries, key=lambda g: fake.store.count_items(LARGE_SITE, g.id))
    items = fake.store.list_items(LARGE_SITE, big.id)
    assert len(items) == 250, len(items)
    started = time.perf_counter()
    fill_journal(app, LARGE_SITE, big.id, items[0].id)
    journal = fake.journal
    assert len(journal) == JOURNAL_ENTRIES, (len(journal), journal.dropped)
    filled = time.perf_counter() - started
    megabytes = journal.bytes / 1e6
    print(f"journal: {len(journal)} entries, {megabytes:.1f} MB ({filled:.1f} s)")

    server = FakeGalleryServer(app).start()
    session = requests.Session()
    session.trust_env = False
    session.headers.update(MARK)
    ui = f"{server.url}/_fake/ui/sites/{LARGE_SITE}/galleries/{big.id}/"
    first = session.get(ui)
    assert first.status_code == 200
    assert first.text.count('class="tile"') == 100
    etag = session.get(ui + "?fragment=1").headers["ETag"]
    middle = journal.seq - JOURNAL_ENTRIES // 2

    def fetch(url: str, status: int = 200, **headers: str) -> Callable[[], bytes]:
        def call() -> bytes:
            response = session.get(url, headers=headers)
            assert response.status_code == status, (url, response.status_code)
            return response.content

        return call

    requests_url = f"{server.url}/_fake/requests"
    variants: dict[str, Callable[[], bytes]] = {
        "gallery page 1 of 3 (100 tiles)": fetch(ui),
        "gallery page 3 of 3 (50 tiles)": fetch(ui + "?page=3"),
        "gallery grid poll, unchanged (304)": fetch(
            ui + "?fragment=1", 304, **{"If-None-Match": etag}
        ),
        "activity page (HTML)": fetch(f"{server.url}/_fake/ui/activity"),
        "requests panel, newest 50": fetch(f"{requests_url}?limit=50"),
        "requests panel, 50 older than the middle": fetch(
            f"{requests_url}?limit=50&before={middle}"
        ),
        "requests panel, 4xx of a site (scans 10k)": fetch(
            f"{requests_url}?limit=50&status=4xx&siteId={LARGE_SITE}"
        ),
        "newest 1,000 at once (no server paging)": fetch(f"{requests_url}?limit=1000"),
    }
    run = interleave(
        {name: repeat(call) for name, call in variants.items()}, rounds, count
    )
    f_median = statistics.median(run.floors)
    print(f"F = {f_median * 1e6:.0f} µs; medians of {rounds} rounds × {count} requests")
    for name, call in variants.items():
        ratio = run.ratio(name)
        size = len(call())
        print(
            f"{name:44} {ratio:7.2f} F  ({ratio * f_median * 1e3:6.1f} ms, "
            f"{size / 1e3:5.0f} kB)"
        )
    server.stop()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
