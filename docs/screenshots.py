"""Regenerate the dashboard screenshots in docs/images/ (docs/dashboard.md).

    .venv/bin/python docs/screenshots.py

Needs the dev extra (Playwright) and Debian's Chromium (`apt-get install
chromium`, or FAKEGALLERY_CHROMIUM=/path/to/chrome). It starts an in-process
fake with the shipped fixtures, adds a little live-site activity (a code
connection that drops a text item, a widget whose gallery was deleted, an
upload, a few API calls, a fault rule that fails one of them, webhooks to a
local receiver that fails once) and photographs the main pages. The seed and a frozen
clock make every run draw the same data.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path
from typing import Any

from fakegallery import create_app, get_fake
from fakegallery.control.fault_rules import parse_rule
from fakegallery.state.clock import parse_time
from fakegallery.testing.browser import chromium_path, launch
from fakegallery.testing.receiver import WebhookReceiver
from fakegallery.testing.server import FakeGalleryServer

OUT = Path(__file__).resolve().parent / "images"
BASIC = "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b"
LARGE = "b1a2c3d4-2525-4250-8250-000000000250"
IMAGE = {
    "image": {
        "imageInfo": {
            "id": "11062b_7d3c9a1e5b2f4e6d8a0c1b3e5f7a9c2d~mv2.jpg",
            "width": 1600,
            "height": 1067,
        }
    }
}
#: Lazy images below the fold would leave blanks in a full-width shot.
EAGER = "[...document.images].forEach((i) => { i.loading = 'eager'; })"


def scenario(server: FakeGalleryServer, receiver: WebhookReceiver) -> dict[str, str]:
    """Live-site data worth a picture; returns the pages to photograph."""
    import requests

    fake = get_fake(server.app)
    fake.clock.freeze(parse_time("2026-03-14T09:26:53Z"))
    # Webhooks go out when flushed below: the first attempt gets a 500.
    fake.webhooks.dispatcher.set_mode("paused")
    fake.webhooks.subscriptions.add(receiver.url, None, BASIC)
    receiver.respond(500)
    http = requests.Session()
    http.trust_env = False
    http.headers.update({"Authorization": "docs", "wix-site-id": BASIC})
    api = server.url + "/pro-gallery/v2"
    travel, _portfolio = fake.store.list_galleries(BASIC)
    shown = fake.site.add_editor_gallery(BASIC, {"name": "Home page"}, "home")
    fake.site.connect(BASIC, shown["widget"]["id"], travel.id)
    gone = fake.site.add_editor_gallery(BASIC, {"name": "Old"}, "about")
    http.delete(f"{api}/galleries/{gone['gallery']['id']}").raise_for_status()
    from PIL import Image

    picture = BytesIO()
    Image.radial_gradient("L").resize((480, 320)).convert("RGB").save(picture, "PNG")
    fake.site.upload_media(BASIC, picture.getvalue(), "gradient.png")
    item = fake.store.list_items(BASIC, travel.id)[0]
    made = http.post(
        f"{api}/galleries",
        json={"gallery": {"name": "Holiday", "items": [{"title": "Beach", **IMAGE}]}},
    ).json()["gallery"]
    fake.clock.advance(90)
    http.patch(
        f"{api}/galleries/{made['id']}/items/{made['items'][0]['id']}",
        json={"item": {"id": made["items"][0]["id"], "title": "Beach at noon"}},
    ).raise_for_status()
    rule = {
        "match": {"operation": "listGalleryItems", "siteId": BASIC},
        "action": {"status": 503, "code": "TRY_LATER"},
        "times": 2,
    }
    fake.faults.add(parse_rule(rule))
    http.get(f"{api}/galleries/{made['id']}/items")  # answered 503 by the rule
    fake.webhooks.dispatcher.flush()
    fake.webhooks.dispatcher.flush()  # the retry of the first one succeeds
    big = fake.store.list_galleries(LARGE)[0]
    return {
        "sites": "/_fake/ui/",
        "galleries": f"/_fake/ui/sites/{LARGE}/",
        "gallery": f"/_fake/ui/sites/{LARGE}/galleries/{big.id}/",
        "item": f"/_fake/ui/sites/{BASIC}/galleries/{travel.id}/items/{item.id}",
        "live": f"/_fake/ui/sites/{BASIC}/live",
        "activity": f"/_fake/ui/activity?siteId={BASIC}",
    }


def shrink(path: Path) -> None:
    """256 colours without dithering: a third of the bytes, the same look
    (flat UI colours and generated pictures)."""
    from PIL import Image

    with Image.open(path) as shot:
        quantized = shot.convert("RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    quantized.save(path, optimize=True)


def main() -> int:
    import logging

    from playwright.sync_api import sync_playwright

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # many images at once

    path = chromium_path()
    if path is None:
        print("chromium not found: apt-get install chromium", file=sys.stderr)
        return 2
    app = create_app({"FIXTURES": ["basic", "classic-slideshow", "large"], "SEED": 1})
    OUT.mkdir(exist_ok=True)
    with (
        FakeGalleryServer(app, threads=8) as server,
        WebhookReceiver() as receiver,
        sync_playwright() as playwright,
    ):
        pages = scenario(server, receiver)
        browser = launch(playwright, path)
        page: Any = browser.new_page(viewport={"width": 1280, "height": 800})
        for name, url in pages.items():
            page.goto(server.url + url)
            page.wait_for_load_state("networkidle")
            page.evaluate(EAGER)
            page.wait_for_function("[...document.images].every((i) => i.complete)")
            target = OUT / f"dashboard-{name}.png"
            # The Activity page's panels are below one another: all of them.
            page.screenshot(path=str(target), full_page=name == "activity")
            shrink(target)
            print(target.relative_to(OUT.parent.parent))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
