"""The dashboard in real Chromium (docs/dashboard.md), through Playwright. Every
page a test opens is watched: a console error, an uncaught exception, a dialog
or a request to another origin (intercepted and aborted) fails the test.

The first test is a quick smoke run; the others are marked slow."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pytest

from fakegallery import create_app, get_fake
from fakegallery.testing.browser import chromium_path, launch
from fakegallery.testing.handle import GallerySite
from fakegallery.testing.server import FakeGalleryServer

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

SHIPPED_SITES = {
    "basic": "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b",
    "classic-slideshow": "c1a55c00-5111-4de5-b0a1-5e1d5e5110e5",
    "large": "b1a2c3d4-2525-4250-8250-000000000250",
}
IMAGE = {"imageInfo": {"id": "11062b_bbbb~mv2.jpg", "width": 1200, "height": 800}}
WAIT_MS = 10_000  # how long a live update may take to show (it polls every 1.5 s)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: CI must run the browser tests")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = launch(playwright, path)
        yield browser
        browser.close()


@dataclass
class Watched:
    """A page and everything it did that a test must not see."""

    page: Any
    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        self.page.goto(self.origin + path)
        self.page.wait_for_load_state("networkidle")
        return self.page

    def check(self) -> None:
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []
        assert self.outside == []


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str], Watched]]:
    contexts: list[Any] = []
    watched: list[Watched] = []

    def make(origin: str) -> Watched:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        w = Watched(page, origin)

        def route(route: Any) -> None:
            url = route.request.url
            if url.startswith(origin + "/"):
                route.continue_()
            else:
                w.outside.append(url)
                route.abort()

        context.route("**/*", route)
        page.on(
            "console", lambda m: m.type == "error" and w.console_errors.append(m.text)
        )
        page.on("pageerror", lambda e: w.page_errors.append(str(e)))
        page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
        watched.append(w)
        return w

    yield make
    try:
        for w in watched:
            w.check()
    finally:
        for context in contexts:
            context.close()


def loaded_images(page: Any) -> list[int]:
    """Scroll every image into view, wait until all are done, and return their
    natural widths (0 for one that failed)."""
    page.evaluate("[...document.images].forEach((img) => img.scrollIntoView())")
    page.wait_for_function("[...document.images].every((img) => img.complete)")
    widths: list[int] = page.evaluate("[...document.images].map((i) => i.naturalWidth)")
    return widths


def wait_for_rows(page: Any, panel: str, column: int, values: list[str]) -> None:
    """Wait until the panel's rows are exactly `values` in `column` (0-based)."""
    page.wait_for_function(
        """([panel, column, values]) => {
          const section = `section[data-panel="${panel}"]`;
          const rows = document.querySelectorAll(`${section} tr.entry`);
          const got = [...rows].map((tr) => tr.cells[column].textContent);
          return JSON.stringify(got) === JSON.stringify(values);
        }""",
        arg=[panel, column, values],
        timeout=WAIT_MS,
    )


def tile_ids(page: Any) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        "ol.grid > li.tile", "(tiles) => tiles.map((t) => t.dataset.itemId)"
    )
    return ids


# --- quick smoke test -----------------------------------------------------------------


def test_smoke_root_leads_to_the_galleries_with_pictures(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    fakegallery.load("basic")
    w = open_page(fakegallery.url)
    page = w.open("/")  # the root sends a browser to the dashboard
    assert page.url == fakegallery.url + "/_fake/ui/"
    page = w.open(f"/_fake/ui/sites/{fakegallery.site_id}/")
    names = page.locator("li.card .title").all_inner_texts()
    assert names == [g["name"] for g in fakegallery.state()["galleries"]]
    widths = loaded_images(page)
    assert len(widths) == 6
    assert all(width > 0 for width in widths)


# --- slow: the rest -------------------------------------------------------------------


@pytest.mark.slow
def test_shipped_fixtures_galleries_show_pictures_that_loaded(
    open_page: Callable[[str], Watched],
) -> None:
    app = create_app({"FIXTURES": list(SHIPPED_SITES), "SEED": 5})
    with FakeGalleryServer(app).start() as server:
        w = open_page(server.url)
        page = w.open("/")  # the root sends a browser to the dashboard
        assert page.url == server.url + "/_fake/ui/"
        for site_id in SHIPPED_SITES.values():
            assert page.locator(f'tr[data-site-id="{site_id}"]').count() == 1
        for name, site_id in SHIPPED_SITES.items():
            w.open(f"/_fake/ui/sites/{site_id}/")
            galleries = get_fake(app).store.list_galleries(site_id)
            cards = page.locator("li.card")
            assert cards.count() == min(len(galleries), 24), name
            widths = loaded_images(page)
            assert widths, name
            assert all(width > 0 for width in widths), name
            first = cards.first.locator(".title").inner_text()
            assert first == (galleries[0].name or "(no name: an Editor gallery)")


@pytest.mark.slow
def test_gallery_page_shows_items_in_sort_order_and_follows_changes(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    fakegallery.load("basic")
    api = fakegallery.api_url
    [travel, _] = fakegallery.state()["galleries"]
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/sites/{fakegallery.site_id}/galleries/{travel['id']}/")
    listed = fakegallery.client.get(f"{api}/galleries/{travel['id']}/items").json()
    assert tile_ids(page) == [i["id"] for i in listed["items"]]
    assert all(width > 0 for width in loaded_images(page))
    # Move the last item first through the API: the grid follows, no reload.
    last = listed["items"][-1]
    moved = fakegallery.client.patch(
        f"{api}/galleries/{travel['id']}/items/{last['id']}",
        json={"item": {"id": last["id"], "sortOrder": 1.0}},
    )
    assert moved.status_code == 200
    page.wait_for_function(
        "(id) => document.querySelector('ol.grid > li.tile').dataset.itemId === id",
        arg=last["id"],
        timeout=WAIT_MS,
    )
    relisted = fakegallery.client.get(f"{api}/galleries/{travel['id']}/items").json()
    assert tile_ids(page) == [i["id"] for i in relisted["items"]]
    # An item opens its exact wire JSON.
    page.locator(f'li[data-item-id="{last["id"]}"] a.tile-link').click()
    page.wait_for_load_state("networkidle")
    shown = page.locator("pre[data-wire]").inner_text()
    wire = fakegallery.client.get(
        f"{api}/galleries/{travel['id']}/items/{last['id']}"
    ).json()["item"]
    assert json.loads(shown) == wire


@pytest.mark.slow
def test_live_site_shows_dropped_text_items_and_empty_widgets(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    api = fakegallery.api_url
    widget = fakegallery.add_editor_gallery({"name": "On the page"})["widget"]
    backend = fakegallery.client.post(
        f"{api}/galleries",
        json={
            "gallery": {
                "name": "Backend",
                "items": [
                    {"title": "Shown", "image": IMAGE},
                    {"title": "Words", "text": {"html": "<p>text</p>"}},
                ],
            }
        },
    ).json()["gallery"]
    text_item = next(i for i in backend["items"] if i["type"] == "TEXT")
    fakegallery.connect(widget["id"], backend["id"])
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/sites/{fakegallery.site_id}/live")
    article = page.locator(f'article[data-widget-id="{widget["id"]}"]')
    dropped = article.locator(f'li[data-dropped-id="{text_item["id"]}"]')
    assert dropped.count() == 1
    assert "TEXT_ITEM" in dropped.inner_text()
    assert article.locator("ol.strip > li").count() == 1
    assert all(width > 0 for width in loaded_images(page))
    # Delete the backend gallery: the widget turns empty without a reload.
    deleted = fakegallery.client.delete(f"{api}/galleries/{backend['id']}")
    assert deleted.status_code == 200
    article.locator("[data-empty]").wait_for(timeout=WAIT_MS)
    assert article.locator("ol.strip > li").count() == 0


@pytest.mark.slow
def test_upload_through_the_page_appears_in_the_grid(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    gallery = fakegallery.client.post(
        f"{fakegallery.api_url}/galleries", json={"gallery": {"name": "Uploads"}}
    ).json()["gallery"]
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/sites/{fakegallery.site_id}/galleries/{gallery['id']}/")
    assert tile_ids(page) == []
    page.set_input_files(
        'input[type="file"]',
        files=[{"name": "harbour.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.get_by_role("button", name="Upload and add").click()
    page.wait_for_load_state("networkidle")
    [item] = fakegallery.state()["galleries"][0]["items"]
    assert item["title"] == "harbour"
    assert tile_ids(page) == [item["id"]]
    image = page.locator(f'li[data-item-id="{item["id"]}"] img')
    assert (
        image.get_attribute("src") == f"/_fake/media/{item['image']['imageInfo']['id']}"
    )
    assert loaded_images(page) == [64]
    # The Media Manager page's own upload form.
    page = w.open(f"/_fake/ui/sites/{fakegallery.site_id}/media")
    page.set_input_files(
        'input[type="file"]',
        files=[{"name": "second.png", "mimeType": "image/png", "buffer": _png()}],
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("li[data-media-id]").count() == 2
    assert page.locator("li[data-media-id]").first.inner_text().startswith("second.png")


@pytest.mark.slow
def test_a_request_made_by_a_test_appears_in_activity_without_reload(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/activity?siteId={fakegallery.site_id}")
    events = page.locator('section[data-panel="events"]')
    assert events.locator("tr.entry").count() == 0
    created = fakegallery.client.post(
        f"{fakegallery.api_url}/galleries", json={"gallery": {"name": "Seen live"}}
    ).json()["gallery"]
    row = events.locator("tr.entry", has_text=created["id"])
    row.wait_for(timeout=WAIT_MS)
    assert "created" in row.inner_text()
    row.click()
    assert "Seen live" in events.locator("tr.detail pre").inner_text()
    requests = page.locator('section[data-panel="requests"]')
    index = fakegallery.client.get(f"{fakegallery.url}/_fake/").json()
    if "/_fake/requests" in {r["path"] for r in index["routes"]}:
        requests.locator("tr.entry", has_text="/galleries").first.wait_for(
            timeout=WAIT_MS
        )
    else:
        page.wait_for_selector(
            'section[data-panel="requests"][data-unavailable="true"]'
        )
        assert "Not available in this version" in requests.inner_text()


@pytest.mark.slow
def test_text_item_payloads_run_nothing(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    payload = '<script>alert("script")</script><img src=x onerror="alert(\'img\')">'
    gallery = fakegallery.client.post(
        f"{fakegallery.api_url}/galleries",
        json={
            "gallery": {
                "name": f"Evil {payload}",
                "items": [
                    {
                        "title": f"Note {payload}",
                        "text": {"html": f"<p>plain words</p>{payload}"},
                    },
                    {"title": payload, "image": IMAGE, "tags": {"values": [payload]}},
                ],
            }
        },
    ).json()["gallery"]
    w = open_page(fakegallery.url)
    site = f"/_fake/ui/sites/{fakegallery.site_id}"
    page = w.open(f"{site}/galleries/{gallery['id']}/")
    frame = page.frame_locator("iframe.text-frame")
    assert frame.locator("p").inner_text() == "plain words"
    assert page.locator("iframe.text-frame").get_attribute("sandbox") == ""
    assert f"Note {payload}" in page.locator("ol.grid").inner_text()
    for path in ("/", f"/galleries/{gallery['id']}/items/{gallery['items'][0]['id']}"):
        w.open(site + path)
    page.wait_for_timeout(300)  # give a stray handler the chance to fire
    # (the fixture's check: no dialog, no console error, no page error)


@pytest.mark.slow
def test_no_console_errors_on_any_page_and_controls_work(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    fakegallery.load("classic-slideshow")
    fakegallery.load("basic")
    w = open_page(fakegallery.url)
    site = f"/_fake/ui/sites/{fakegallery.site_id}"
    state = fakegallery.state()["galleries"]
    gallery = next(g for g in state if g["items"])
    paths = [
        "/_fake/ui/",
        "/_fake/ui/activity",
        f"{site}/",
        f"{site}/galleries/{gallery['id']}/",
        f"{site}/galleries/{gallery['id']}/items/{gallery['items'][0]['id']}",
        f"{site}/live",
        f"{site}/media",
    ]
    for path in paths:
        page = w.open(path)
        assert all(width > 0 for width in loaded_images(page)), path
    page = w.open(f"{site}/live")
    page.get_by_role("button", name="Unpublish").click()
    page.wait_for_load_state("networkidle")
    assert "unpublished" in page.locator(".site-controls .badge").inner_text()
    assert not fakegallery.fake.live.is_published(fakegallery.site_id)
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("networkidle")
    assert fakegallery.fake.live.is_published(fakegallery.site_id)
    # The header's clock follows a freeze made by a test.
    fakegallery.freeze("2031-02-03T04:05:06Z")
    page.locator("[data-clock-now]", has_text="2031-02-03T04:05:06").wait_for(
        timeout=WAIT_MS
    )
    assert page.locator("[data-clock-state]").inner_text() == "frozen"
    fakegallery.unfreeze()


@pytest.mark.slow
def test_a_fault_added_through_the_page_shows_and_fails_the_next_call(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/activity?siteId={fakegallery.site_id}")
    faults = page.locator('section[data-panel="faults"]')
    page.wait_for_selector('section[data-panel="faults"][data-loaded="true"]')
    assert faults.locator("tr.entry").count() == 0
    page.locator("details[data-add-fault] summary").click()
    form = page.locator("form.fault-form")
    form.locator('select[name="operation"]').select_option("listGalleries")
    assert form.locator('select[name="siteId"]').input_value() == fakegallery.site_id
    form.locator('input[name="status"]').fill("503")
    form.locator('input[name="code"]').fill("TRY_LATER")
    form.locator('input[name="times"]').fill("1")
    form.get_by_role("button", name="Add the rule").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/_fake/ui/activity?siteId={fakegallery.site_id}")
    row = faults.locator("tr.entry", has_text="listGalleries")
    row.wait_for(timeout=WAIT_MS)
    assert "answers 503 TRY_LATER" in row.inner_text()
    assert "active" in row.inner_text()
    # The next call fails as the rule says; the panel counts the hit live.
    failed = fakegallery.client.get(f"{fakegallery.api_url}/galleries")
    assert failed.status_code == 503
    assert failed.json()["details"]["applicationError"]["code"] == "TRY_LATER"
    assert fakegallery.client.get(f"{fakegallery.api_url}/galleries").ok
    faults.locator("tr.entry", has_text="spent").wait_for(timeout=WAIT_MS)
    # The journal shows the failed call; its status filter finds it alone.
    requests = page.locator('section[data-panel="requests"]')
    requests.locator('input[name="status"]').fill("503")
    wait_for_rows(page, "requests", 5, ["503"])
    assert "listGalleries" in requests.locator("tr.entry").inner_text()
    # Remove it from the page, then "clear every rule" empties the list.
    faults.get_by_role("button", name="Remove").click()
    page.wait_for_load_state("networkidle")
    assert fakegallery.fake.faults.list() == []
    fakegallery.fault("getGallery", status=500)
    faults.locator("tr.entry", has_text="getGallery").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="Clear every fault rule").click()
    page.wait_for_load_state("networkidle")
    assert fakegallery.fake.faults.list() == []
    page.wait_for_selector('section[data-panel="faults"][data-loaded="true"]')
    assert faults.locator("tr.entry").count() == 0


@pytest.mark.slow
def test_a_webhook_delivery_appears_with_its_attempts_without_reload(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    receiver = fakegallery.webhook_receiver(["wix.pro_gallery.gallery_v2_created"])
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/activity?siteId={fakegallery.site_id}")
    deliveries = page.locator('section[data-panel="deliveries"]')
    page.wait_for_selector('section[data-panel="deliveries"][data-loaded="true"]')
    assert deliveries.locator("tr.entry").count() == 0
    fakegallery.client.post(
        f"{fakegallery.api_url}/galleries", json={"gallery": {"name": "Hooked"}}
    )
    [delivery] = fakegallery.wait_for_delivery()
    row = deliveries.locator("tr.entry", has_text="delivered")
    row.wait_for(timeout=WAIT_MS)
    text = row.inner_text()
    assert receiver.url in text
    assert "created" in text
    assert "HTTP 200" in text
    assert row.locator("td").nth(4).inner_text() == "1"  # attempts
    row.click()
    detail = deliveries.locator("tr.detail")
    assert detail.locator("table.attempts tr").count() == 2  # head + 1 attempt
    assert delivery["id"] in detail.locator("pre").inner_text()


@pytest.mark.slow
def test_journal_filters_pages_expands_and_clears(
    fakegallery: GallerySite, open_page: Callable[[str], Watched]
) -> None:
    api = fakegallery.api_url
    fakegallery.client.post(f"{api}/galleries", json={"gallery": {"name": "One"}})
    for _ in range(55):
        fakegallery.client.get(f"{api}/galleries")
    missing = fakegallery.client.get(
        f"{api}/galleries/{'0' * 8}-0000-4000-8000-{'0' * 12}"
    )
    assert missing.status_code == 404
    w = open_page(fakegallery.url)
    page = w.open(f"/_fake/ui/activity?siteId={fakegallery.site_id}")
    requests = page.locator('section[data-panel="requests"]')
    page.wait_for_selector('section[data-panel="requests"][data-loaded="true"]')
    # 57 entries of this site: 50 a page, newest first, paged on the server.
    assert requests.locator("tr.entry").count() == 50
    assert "page 1 of 2" in requests.locator("[data-panel-pager]").inner_text()
    requests.get_by_role("button", name="older →").click()
    requests.locator("[data-panel-pager]", has_text="page 2 of 2").wait_for()
    assert requests.locator("tr.entry").count() == 7
    assert "createGallery" in requests.locator("tr.entry").last.inner_text()
    # Filter by operation: only that operation's rows.
    requests.locator('select[name="operation"]').select_option("createGallery")
    wait_for_rows(page, "requests", 4, ["createGallery"])
    # ... and by status: the 404, expandable to its request and response. The
    # answers of the unfiltered refresh are held back until the filtered one is
    # shown: arriving late, they must not bring the old rows back.
    held: list[Any] = []

    def hold_unfiltered(route: Any) -> None:
        if "status=" in route.request.url or len(held) == 1:
            route.continue_()
        else:
            held.append(route)

    page.route("**/_fake/requests?*", hold_unfiltered)
    requests.locator('select[name="operation"]').select_option("")
    requests.locator('input[name="status"]').fill("4xx")
    wait_for_rows(page, "requests", 5, ["404"])
    [late] = held
    url = late.request.url
    with page.expect_response(lambda r: r.url == url):
        late.continue_()
    page.evaluate("() => new Promise((done) => setTimeout(done, 0))")  # its .text()
    assert requests.locator("tr.entry").count() == 1  # not the 50 unfiltered rows
    requests.locator("tr.entry").click()
    detail = requests.locator("tr.detail")
    assert detail.locator("h3").all_inner_texts() == ["Request", "Response"]
    assert "GALLERY_NOT_FOUND" in detail.locator("pre").nth(1).inner_text()
    # Clear the journal of this site from the page.
    page.get_by_role("button", name="Clear the journal").click()
    page.wait_for_load_state("networkidle")
    assert fakegallery.requests() == []
    page.wait_for_selector('section[data-panel="requests"][data-loaded="true"]')
    assert requests.locator("tr.entry").count() == 0


def _png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (200, 90, 40)).save(out, "PNG")
    return out.getvalue()
