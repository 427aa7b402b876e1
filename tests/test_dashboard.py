"""The dashboard without a browser (docs/dashboard.md): the root rule, the
pages and their safety headers, escaping, order and paging, the live parts'
ETags, the controls' Origin check, generated pictures and the events limit.
tests/test_dashboard_browser.py drives the same pages in Chromium."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from io import BytesIO
from typing import Any

import pytest
from conftest import SITE, Api
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.state.journal import Query

ORIGIN = "http://localhost"
BASIC_SITE = "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b"
LARGE_SITE = "b1a2c3d4-2525-4250-8250-000000000250"
CLASSIC_SITE = "c1a55c00-5111-4de5-b0a1-5e1d5e5110e5"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
IMAGE = {"imageInfo": {"id": "11062b_aaaa~mv2.jpg", "width": 800, "height": 600}}


@pytest.fixture
def config() -> dict[str, Any]:
    return {
        "SEED": 7,
        "FROZEN_TIME": "2026-01-02T03:04:05Z",
        "DEFAULT_SITE_ID": SITE,
    }


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def post(client: FlaskClient, route: str, **form: Any) -> TestResponse:
    """A dashboard control, sent as the dashboard's own page would."""
    return client.post(
        f"/_fake/ui/actions/{route}", data=form, headers={"Origin": ORIGIN}
    )


def item_ids(html: str) -> list[str]:
    return re.findall(r'<li class="tile" data-item-id="([^"]+)"', html)


# --- the root -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/_fake/"])
def test_root_a_browser_is_sent_to_the_dashboard(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path, headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"] == "/_fake/ui/"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_root_other_clients_get_a_json_index(
    client: FlaskClient, accept: str | None
) -> None:
    response = client.get("/_fake/", headers={"Accept": accept} if accept else {})
    assert (response.status_code, response.mimetype) == (200, "application/json")
    body = response.json
    assert body["dashboard"] == "/_fake/ui/"
    paths = {route["path"]: route["methods"] for route in body["routes"]}
    assert paths["/_fake/health"] == ["GET"]
    assert paths["/_fake/clock"] == ["GET", "POST"]
    assert not [p for p in paths if p.startswith("/_fake/ui/")]
    assert client.get("/", headers={"Accept": accept} if accept else {}).json == body


def test_json_routes_stay_json_next_to_the_dashboard(client: FlaskClient) -> None:
    for path in ("/_fake/nope", "/pro-gallery/v2/nope"):
        response = client.get(path, headers=HTML)
        assert (response.status_code, response.mimetype) == (404, "application/json")


# --- pages, headers, escaping ---------------------------------------------------------


def test_every_page_is_html_with_a_strict_policy_and_no_inline_script(
    app: Flask,
) -> None:
    fake = get_fake(app)
    from fakegallery.seeding import fixtures

    fixtures.load(fake, ["basic", "classic-slideshow"])
    client = app.test_client()
    gallery = fake.store.list_galleries(BASIC_SITE)[0]
    item = fake.store.list_items(BASIC_SITE, gallery.id)[0]
    paths = [
        "/_fake/ui/",
        "/_fake/ui/activity",
        f"/_fake/ui/sites/{BASIC_SITE}/",
        f"/_fake/ui/sites/{BASIC_SITE}/galleries/{gallery.id}/",
        f"/_fake/ui/sites/{BASIC_SITE}/galleries/{gallery.id}/items/{item.id}",
        f"/_fake/ui/sites/{CLASSIC_SITE}/live",
        f"/_fake/ui/sites/{BASIC_SITE}/media",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "default-src 'none'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        html = response.get_data(as_text=True)
        # Scripts only from files; no event handler attributes; no URL elsewhere.
        for script in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
            assert 'src="/_fake/ui/static/' in script[0]
            assert script[1] == ""
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), path
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert url.startswith(("/", "?", "#")), (path, url)


def test_stored_text_is_escaped_and_text_html_only_in_a_sandboxed_srcdoc(
    client: FlaskClient, api: Api
) -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    gallery = api.create_gallery(name=f"Gallery {evil}")
    api.create_item(
        gallery["id"],
        {"title": f"Title {evil}", "image": IMAGE, "tags": {"values": [evil]}},
    )
    text = api.create_item(
        gallery["id"],
        {
            "title": "Note",
            "text": {
                "html": f'<p style="color:red">kept</p>{evil}<a href="https://example.com">link</a>'
            },
        },
    )
    html = page(client, f"/_fake/ui/sites/{SITE}/galleries/{gallery['id']}/")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Gallery &lt;script&gt;" in html
    [frame] = re.findall(r"<iframe ([^>]*)>", html)
    assert 'sandbox=""' in frame
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
    assert srcdoc is not None
    document = srcdoc.group(1)
    assert "&lt;p style=&#34;color:red&#34;&gt;kept&lt;/p&gt;" in document
    for gone in ("alert", "onerror", "script", "example.com", "&lt;img"):
        assert gone not in document, gone
    item_page = page(
        client, f"/_fake/ui/sites/{SITE}/galleries/{gallery['id']}/items/{text['id']}"
    )
    # The wire JSON is shown as text: the payload is escaped, not dropped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in item_page


def test_the_item_page_shows_the_exact_wire_json(client: FlaskClient, api: Api) -> None:
    gallery = api.create_gallery(name="G")
    item = api.create_item(gallery["id"], {"title": "Pic", "image": IMAGE})
    base = f"/_fake/ui/sites/{SITE}/galleries/{gallery['id']}/items/{item['id']}"
    raw = client.get(f"{base}?raw=1")
    assert raw.mimetype == "application/json"
    wire = api.get(f"galleries/{gallery['id']}/items/{item['id']}").json["item"]
    assert raw.json == wire
    assert list(raw.json) == list(wire)  # same key order
    assert "&#34;imageInfo&#34;: {" in page(client, base)


def test_gallery_page_lists_items_in_the_apis_order(
    client: FlaskClient, api: Api
) -> None:
    gallery = api.create_gallery(name="Order")
    made = [
        api.create_item(
            gallery["id"], {"title": f"i{n}", "image": IMAGE, "sortOrder": order}
        )
        for n, order in enumerate((30, 10, 20))
    ]
    listed = api.get(f"galleries/{gallery['id']}/items").json["items"]
    html = page(client, f"/_fake/ui/sites/{SITE}/galleries/{gallery['id']}/")
    assert item_ids(html) == [i["id"] for i in listed]
    assert item_ids(html) == [made[1]["id"], made[2]["id"], made[0]["id"]]


def test_long_lists_are_paged(app: Flask) -> None:
    from fakegallery.seeding import fixtures

    fake = get_fake(app)
    fixtures.load(fake, ["large"])
    client = app.test_client()
    big = fake.store.list_galleries(LARGE_SITE)[0]
    order = [i.id for i in fake.store.list_items(LARGE_SITE, big.id)]
    assert len(order) == 250
    base = f"/_fake/ui/sites/{LARGE_SITE}/galleries/{big.id}/"
    first, last = page(client, base), page(client, f"{base}?page=3")
    assert item_ids(first) == order[:100]
    assert item_ids(last) == order[200:]
    assert "page 3 of 3 · 201–250 of 250 items" in last
    assert item_ids(page(client, f"{base}?page=99")) == order[200:]  # clamped
    cards = page(client, f"/_fake/ui/sites/{LARGE_SITE}/")
    assert cards.count('<li class="card"') == 24
    assert (
        page(client, f"/_fake/ui/sites/{LARGE_SITE}/?page=2").count('<li class="card"')
        == 1
    )


def test_pictures_come_from_the_fake_only(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    gallery = api.create_gallery(name="Pics")
    png = _png()
    uploaded = client.post(
        "/_fake/media",
        data={"file": (BytesIO(png), "a.png")},
        headers={"wix-site-id": SITE},
    ).json
    api.create_item(gallery["id"], {"image": {"imageInfo": uploaded["imageInfo"]}})
    api.create_item(gallery["id"], {"image": IMAGE})
    html = page(client, f"/_fake/ui/sites/{SITE}/galleries/{gallery['id']}/")
    sources = re.findall(r'<img src="([^"]+)" width="(\d+)" height="(\d+)"', html)
    assert sources == [
        (f"/_fake/media/{uploaded['id']}", "40", "30"),
        ("/_fake/placeholder/800x600/11062b_aaaa~mv2.jpg", "800", "600"),
    ]
    assert client.get(sources[0][0]).data == png


def test_a_page_that_does_not_exist_is_an_html_error_page(client: FlaskClient) -> None:
    missing = client.get(
        f"/_fake/ui/sites/{SITE}/galleries/6f1d8a52-3b7e-4c1a-9d2f-1a2b3c4d5e01/"
    )
    assert (missing.status_code, missing.mimetype) == (404, "text/html")
    assert 'data-error-code="GALLERY_NOT_FOUND"' in missing.get_data(as_text=True)
    assert "Content-Security-Policy" in missing.headers
    bad = client.get(f"/_fake/ui/sites/{SITE}/galleries/nope/")
    assert bad.status_code == 400
    assert "<code>galleryId</code> must be a GUID" in bad.get_data(as_text=True)
    unrouted = client.get("/_fake/ui/nope")
    assert (unrouted.status_code, unrouted.mimetype) == (404, "text/html")


# --- live parts -----------------------------------------------------------------------


def test_live_parts_answer_304_until_the_data_changes(
    client: FlaskClient, api: Api
) -> None:
    gallery = api.create_gallery(name="Live")
    url = f"/_fake/ui/sites/{SITE}/galleries/{gallery['id']}/"
    html = page(client, url)
    live = re.search(r'data-live="([^"]+)" data-live-etag="([^"]+)"', html)
    assert live is not None
    fragment_url = live.group(1).replace("&amp;", "&")
    assert "fragment=1" in fragment_url
    etag = live.group(2)
    same = client.get(fragment_url, headers={"If-None-Match": f'"{etag}"'})
    assert same.status_code == 304
    api.create_item(gallery["id"], {"title": "new one", "image": IMAGE})
    changed = client.get(fragment_url, headers={"If-None-Match": f'"{etag}"'})
    assert changed.status_code == 200
    assert "new one" in changed.get_data(as_text=True)
    assert "<html" not in changed.get_data(as_text=True)  # the part only
    assert changed.headers["ETag"] != f'"{etag}"'


# --- controls -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "fetch_site"),
    [
        (None, None),
        ("null", None),
        ("http://evil.example", None),
        (ORIGIN, "cross-site"),
    ],
)
def test_controls_refuse_other_origins_and_change_nothing(
    client: FlaskClient,
    api: Api,
    fake: FakeGallery,
    origin: str | None,
    fetch_site: str | None,
) -> None:
    api.create_gallery(name="Keep me")
    rule = {"match": {"operation": "getGallery"}, "action": {"status": 500}}
    assert client.post("/_fake/faults", json=rule).status_code == 200
    journalled = len(fake.journal.select(Query(site_id=SITE)))
    headers = {"Origin": origin} if origin else {}
    if fetch_site:
        headers["Sec-Fetch-Site"] = fetch_site
    for action, form in [
        ("reset", {}),
        ("reset", {"siteId": SITE}),
        ("publish", {"siteId": SITE, "published": "false"}),
        ("clock", {"action": "unfreeze"}),
        ("faults", {"operation": "listGalleries"}),
        ("faults/clear", {}),
        ("journal/clear", {}),
    ]:
        response = client.post(
            f"/_fake/ui/actions/{action}", data=form, headers=headers
        )
        assert (response.status_code, response.mimetype) == (403, "text/html")
        assert 'data-error-code="CROSS_ORIGIN_REFUSED"' in response.get_data(
            as_text=True
        )
    assert len(fake.store.list_galleries(SITE)) == 1
    assert fake.live.is_published(SITE)
    assert fake.clock.frozen
    assert len(fake.faults.list()) == 1
    assert len(fake.journal.select(Query(site_id=SITE))) == journalled


def test_controls_change_state_and_go_back(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    api.create_gallery(name="A")
    back = f"/_fake/ui/sites/{SITE}/live"
    response = post(client, "publish", siteId=SITE, published="false", next=back)
    assert (response.status_code, response.headers["Location"]) == (303, back)
    assert not fake.live.is_published(SITE)
    post(client, "publish", siteId=SITE, published="true")
    assert fake.live.is_published(SITE)
    post(client, "clock", action="freeze", at="2030-05-06T07:08:09")
    assert fake.clock.now().isoformat() == "2030-05-06T07:08:09+00:00"
    post(client, "clock", action="advance", seconds="61.5")
    assert fake.clock.now().isoformat() == "2030-05-06T07:09:10.500000+00:00"
    post(client, "clock", action="unfreeze")
    assert not fake.clock.frozen
    foreign = post(client, "reset", siteId=SITE, next="https://evil.example/")
    assert foreign.headers["Location"] == "/_fake/ui/"
    assert fake.store.list_galleries(SITE) == []


@pytest.mark.parametrize(
    ("route", "form", "field"),
    [
        ("clock", {"action": "stop"}, "action"),
        ("clock", {"action": "advance", "seconds": "1e300"}, "seconds"),
        ("clock", {"action": "advance", "seconds": "nan"}, "seconds"),
        ("clock", {"action": "advance", "seconds": "-1e11"}, "seconds"),
        ("clock", {"action": "freeze", "at": "yesterday"}, "at"),
        ("publish", {"siteId": SITE, "published": "maybe"}, "published"),
        ("upload", {"siteId": SITE}, "file"),
        ("upload", {"siteId": SITE, "galleryId": "nope"}, "galleryId"),
        ("connect", {"siteId": SITE, "widgetId": "nope"}, "widgetId"),
    ],
)
def test_refused_controls_name_the_field_and_change_nothing(
    client: FlaskClient, fake: FakeGallery, route: str, form: dict[str, str], field: str
) -> None:
    before = _state(fake)
    response = post(client, route, **form)
    assert (response.status_code, response.mimetype) == (400, "text/html")
    assert f"<code>{field}</code>" in response.get_data(as_text=True)
    assert _state(fake) == before


def _state(fake: FakeGallery) -> dict[str, Any]:
    """Every component but the request-id counter (each request draws one)
    and the request journal (each request is recorded)."""
    dumped = fake.dump()
    dumped["ids"].pop("requests")
    dumped.pop("journal")
    return dumped


def test_upload_control_adds_to_the_media_manager_and_the_gallery(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    gallery = api.create_gallery(name="Uploads")
    response = post(
        client,
        "upload",
        siteId=SITE,
        galleryId=gallery["id"],
        file=(BytesIO(_png()), "beach day.png"),
    )
    assert response.status_code == 303
    [media] = fake.media.list(SITE)
    [item] = api.get(f"galleries/{gallery['id']}/items").json["items"]
    assert item["title"] == "beach day"
    assert item["image"]["imageInfo"]["id"] == media.id
    assert fake.events.list(SITE)[-1].event_type.endswith("gallery_item_created")
    not_image = post(client, "upload", siteId=SITE, file=(BytesIO(b"hello"), "a.txt"))
    assert not_image.status_code == 400
    assert len(fake.media.list(SITE)) == 1


def test_connect_control_shows_a_backend_gallery_from_code(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    editor = fake.site.add_editor_gallery(SITE, None, "home")
    widget_id = editor["widget"]["id"]
    backend = api.create_gallery(name="Backend")
    post(client, "connect", siteId=SITE, widgetId=widget_id, galleryId=backend["id"])
    assert fake.live.get_widget(SITE, widget_id).connected_gallery_id == backend["id"]
    post(client, "connect", siteId=SITE, widgetId=widget_id, galleryId="")
    assert fake.live.get_widget(SITE, widget_id).connected_gallery_id is None


# --- generated pictures, events limit -------------------------------------------------


def test_placeholder_is_a_deterministic_svg_in_the_asked_size(
    client: FlaskClient,
) -> None:
    url = "/_fake/placeholder/640x480/11062b_abc~mv2.jpg"
    first, again = client.get(url), client.get(url)
    assert (first.status_code, first.mimetype) == (200, "image/svg+xml")
    assert first.data == again.data
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["Content-Security-Policy"].startswith("default-src 'none'")
    svg = ET.fromstring(first.data)
    assert (svg.get("width"), svg.get("height")) == ("640", "480")
    assert "640 × 480" in first.get_data(as_text=True)
    assert client.get("/_fake/placeholder/640x480/other").data != first.data
    video = client.get(f"{url}?kind=video").get_data(as_text=True)
    assert video.count("<polygon") == first.get_data(as_text=True).count("<polygon") + 1


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/_fake/placeholder/0x10/a", "width"),
        ("/_fake/placeholder/10x100001/a", "height"),
        ("/_fake/placeholder/10x10/a?kind=audio", "kind"),
        (f"/_fake/placeholder/10x10/{'a' * 301}", "mediaId"),
    ],
)
def test_placeholder_refuses_bad_sizes(
    client: FlaskClient, url: str, field: str
) -> None:
    response = client.get(url)
    assert (response.status_code, response.mimetype) == (400, "application/json")
    [violation] = response.json["details"]["validationError"]["fieldViolations"]
    assert violation["field"] == field


def test_events_limit_keeps_the_newest(client: FlaskClient, api: Api) -> None:
    for n in range(3):
        api.create_gallery(name=f"g{n}")
    everything = client.get(f"/_fake/events?siteId={SITE}").json
    assert everything["total"] == 3
    newest = client.get(f"/_fake/events?siteId={SITE}&limit=2").json
    assert newest["events"] == everything["events"][-2:]
    assert (newest["total"], newest["dropped"]) == (3, 0)
    bad = client.get("/_fake/events?limit=0")
    assert bad.status_code == 400
    assert (
        bad.json["details"]["validationError"]["fieldViolations"][0]["field"] == "limit"
    )


def test_serve_warns_when_listening_beyond_loopback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fakegallery.cli_options import warn_if_exposed

    for host in ("127.0.0.1", "::1", "localhost"):
        warn_if_exposed(host)
    assert capsys.readouterr().err == ""
    warn_if_exposed("0.0.0.0")
    assert "warning: listening on 0.0.0.0, beyond loopback" in capsys.readouterr().err


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (20, 120, 160)).save(out, "PNG")
    return out.getvalue()


def test_app_without_dashboard_data_still_renders_home() -> None:
    client = create_app({"DEFAULT_SITE_ID": None}).test_client()
    html = page(client, "/_fake/ui/")
    assert "No site holds data yet" in html


def test_sites_are_listed_default_first_and_paged(
    client: FlaskClient, api: Api
) -> None:
    others = [f"site-{n:03d}" for n in range(60)]
    for site_id in others:
        made = api.post("galleries", {"gallery": {}}, headers={"wix-site-id": site_id})
        assert made.status_code == 200
    first = page(client, "/_fake/ui/")
    listed = re.findall(r'<tr data-site-id="([^"]+)">', first)
    assert listed == [SITE, *others[:49]]  # the default site has no data yet
    second = re.findall(
        r'<tr data-site-id="([^"]+)">', page(client, "/_fake/ui/?page=2")
    )
    assert second == others[49:]


@pytest.mark.parametrize(
    ("colour", "shown"),
    [
        ("#ffeedd", "background:#ffeedd;"),
        ("rgb(1, 2, 3)", "background:rgb(1, 2, 3);"),
        ("red;background:url(https://example.com/x)", "background:#fff;"),
        (12, "background:#fff;"),
    ],
)
def test_text_frames_take_only_a_plain_background_colour(
    colour: Any, shown: str
) -> None:
    from fakegallery.dashboard.tiles import text_document

    css = {"backgroundColor": colour, "textVerticalAlignment": "bottom"}
    document = text_document({"html": "<p>x</p>", "css": css})
    assert shown in document
    assert "justify-content:flex-end;" in document
    assert "example.com" not in document


# --- the Activity page's controls and panels -----------------------------------------


def test_activity_page_has_every_panel_and_the_fault_and_journal_controls(
    client: FlaskClient,
) -> None:
    html = page(client, f"/_fake/ui/activity?siteId={SITE}")
    panels = re.findall(r'data-panel="([a-z]+)" data-src="([^"]+)"', html)
    assert panels == [
        ("requests", "/_fake/requests"),
        ("faults", "/_fake/faults"),
        ("deliveries", "/_fake/webhooks/deliveries"),
        ("events", "/_fake/events"),
    ]
    for action in ("faults", "faults/clear", "journal/clear"):
        assert f'action="/_fake/ui/actions/{action}"' in html
    # The operations table fills the fault form; the site filter preselects.
    assert "<option>createGalleryItem</option>" in html
    assert f'name="siteId" value="{SITE}" data-follows-site' in html
    assert f'<option value="{SITE}" selected>' in html
    assert "<script>" not in html
    assert 'src="/_fake/ui/static/activity.js"' in html


def test_fault_controls_add_a_rule_that_fails_calls_then_remove_and_clear(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    back = f"/_fake/ui/activity?siteId={SITE}"
    response = post(
        client,
        "faults",
        operation="listGalleries",
        siteId=SITE,
        kind="status",
        status="503",
        code="BUSY",
        times="1",
        next=back,
    )
    assert (response.status_code, response.headers["Location"]) == (303, back)
    [rule] = client.get("/_fake/faults").json["faults"]
    assert rule["match"] == {"operation": "listGalleries", "siteId": SITE}
    assert rule["action"] == {"status": 503, "code": "BUSY"}
    assert rule["times"] == 1
    failed = api.get("galleries")
    assert failed.status_code == 503
    assert "BUSY" in failed.get_data(as_text=True)
    assert api.get("galleries").status_code == 200  # times=1: spent
    post(
        client, "faults", operation="getGallery", kind="connection", connection="reset"
    )
    post(
        client,
        "faults",
        operation="createGallery",
        kind="delay",
        delayMs="5",
        probability="0.5",
    )
    rules = client.get("/_fake/faults").json["faults"]
    assert [r["action"] for r in rules[1:]] == [{"connection": "reset"}, {"delayMs": 5}]
    assert rules[2]["probability"] == 0.5
    assert "siteId" not in rules[1]["match"]  # every site
    post(client, "faults/clear", ruleId=rules[1]["id"])
    assert [r.id for r in fake.faults.list()] == [rules[0]["id"], rules[2]["id"]]
    missing = post(client, "faults/clear", ruleId=rules[1]["id"])
    assert (missing.status_code, missing.mimetype) == (404, "text/html")
    assert 'data-error-code="FAULT_NOT_FOUND"' in missing.get_data(as_text=True)
    post(client, "faults/clear")
    assert fake.faults.list() == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"operation": "nope"}, "match.operation"),
        ({}, "operation"),
        ({"operation": "listGalleries", "kind": "panic"}, "kind"),
        ({"operation": "listGalleries", "status": "abc"}, "status"),
        ({"operation": "listGalleries", "status": "200"}, "status"),
        ({"operation": "listGalleries", "kind": "connection"}, "connection"),
        ({"operation": "listGalleries", "kind": "delay"}, "delayMs"),
        ({"operation": "listGalleries", "delayMs": "999999"}, "action.delayMs"),
        ({"operation": "listGalleries", "times": "0"}, "times"),
        ({"operation": "listGalleries", "probability": "2"}, "probability"),
        ({"operation": "listGalleries", "probability": "x"}, "probability"),
    ],
)
def test_refused_fault_forms_name_the_field_and_add_nothing(
    client: FlaskClient, fake: FakeGallery, form: dict[str, str], field: str
) -> None:
    response = post(client, "faults", **form)
    assert (response.status_code, response.mimetype) == (400, "text/html")
    assert f"<code>{field}</code>" in response.get_data(as_text=True)
    assert fake.faults.list() == []


def test_journal_control_clears_one_site_or_everything(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    other = "0b1c2d3e-0000-4000-8000-000000000001"
    api.create_gallery(name="mine")
    api.get("galleries", headers={"wix-site-id": other})
    post(client, "journal/clear", siteId=SITE)
    sites = {e.site_id for e in fake.journal.select()}
    assert SITE not in sites
    assert other in sites
    post(client, "journal/clear")
    # Only the clear itself can be left (the control plane is journalled too).
    assert all(e.site_id is None for e in fake.journal.select())


def test_requests_page_back_in_time_with_before(client: FlaskClient, api: Api) -> None:
    for n in range(5):
        api.create_gallery(name=f"g{n}")
    query = f"/_fake/requests?siteId={SITE}&operation=createGallery"
    every = client.get(query).json
    seqs = [e["seq"] for e in every["requests"]]
    assert len(seqs) == 5
    newest = client.get(f"{query}&limit=2").json
    assert [e["seq"] for e in newest["requests"]] == seqs[-2:]
    older = client.get(f"{query}&limit=2&before={seqs[-2]}").json
    assert [e["seq"] for e in older["requests"]] == seqs[1:3]
    assert older["total"] == 3  # the matches before the anchor
    oldest = client.get(f"{query}&limit=2&before={seqs[1]}").json
    assert [e["seq"] for e in oldest["requests"]] == seqs[:1]
    bad = client.get("/_fake/requests?before=0")
    assert bad.status_code == 400
    [violation] = bad.json["details"]["validationError"]["fieldViolations"]
    assert violation["field"] == "before"
