"""`--fakegallery-url`: the same tests against a fakegallery started elsewhere,
over HTTP only (docs/testing.md, "Against a running server"). Here the
"elsewhere" is a server this test starts; the inner pytest run reaches it only
through its URL."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from fakegallery import FakeGallery, create_app
from fakegallery.testing.server import FakeGalleryServer

FROZEN = "2030-05-06T07:08:09Z"

INNER = f"""
import io
import pytest
from fakegallery.seeding.fixtures import FixtureError
from fakegallery.testing.control import InProcessOnly

BASIC_GALLERY = "6f1d8a52-3b7e-4c1a-9d2f-1a2b3c4d5e01"


def png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (12, 8), "red").save(out, "PNG")
    return out.getvalue()


@pytest.mark.fakegallery(
    fixtures=["basic"], freeze="{FROZEN}", settings={{"ITEM_SORT_DESC": True}}
)
def test_marker_over_http(fakegallery):
    state = fakegallery.state()
    assert state["siteId"] == fakegallery.site_id
    assert [g["id"] for g in state["galleries"]][0] == BASIC_GALLERY
    url = fakegallery.api_url + "/galleries"
    made = fakegallery.client.post(url, json={{}}).json()["gallery"]
    assert made["createdDate"] == "{FROZEN}"
    for order in (1, 2):
        item = {{"item": {{"text": {{"html": "x"}}, "sortOrder": order}}}}
        fakegallery.client.post(f"{{url}}/{{made['id']}}/items", json=item)
    listed = fakegallery.client.get(f"{{url}}/{{made['id']}}/items").json()["items"]
    assert [i["sortOrder"] for i in listed] == [2, 1]
    assert fakegallery.advance(60).isoformat() == "2030-05-06T07:09:09+00:00"
    assert [e["eventType"] for e in fakegallery.events()][-1].endswith("item_created")
    assert fakegallery.configure(MAX_ITEM_LIMIT=4) == {{
        "ITEM_SORT_DESC": True, "MAX_ITEM_LIMIT": 4
    }}


def test_live_site_and_media_over_http(fakegallery):
    added = fakegallery.add_editor_gallery({{"name": "Home"}}, page="home")
    widget = added["widget"]["id"]
    assert fakegallery.live()["pages"][0]["widgets"][0]["id"] == widget
    other = fakegallery.client.post(fakegallery.api_url + "/galleries", json={{}})
    shown = fakegallery.connect(widget, other.json()["gallery"]["id"])
    assert shown["id"] == widget
    media = fakegallery.upload_media(png(), "red.png")
    assert (media["width"], media["height"]) == (12, 8)
    fakegallery.publish(False)
    listed = fakegallery.client.get(fakegallery.api_url + "/galleries")
    assert listed.status_code == 428


def test_mistakes_over_http(fakegallery, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{{"galleries": [{{"items": [{{"video": {{}}}}]}}]}}')
    with pytest.raises(FixtureError, match="bad.json: galleries.0..items.0..video"):
        fakegallery.load(bad)
    assert fakegallery.state()["galleries"] == []
    with pytest.raises(Exception, match="STRICT_MEDA; did you mean STRICT_MEDIA"):
        fakegallery.configure(STRICT_MEDA=True)


@pytest.mark.parametrize("what", ["fake", "app"])
def test_in_process_only_attributes(fakegallery, what):
    with pytest.raises(InProcessOnly, match="needs the in-process server"):
        getattr(fakegallery, what)


def test_in_process_only_methods(fakegallery):
    with pytest.raises(InProcessOnly, match="needs the in-process server"):
        fakegallery.wsgi_client()
    with pytest.raises(InProcessOnly, match="take_errors"):
        fakegallery.take_errors()
"""


@pytest.fixture
def elsewhere() -> Iterator[FakeGalleryServer]:
    with FakeGalleryServer(create_app({"SEED": 5})) as server:
        yield server


def test_external_server_same_tests_over_http(
    pytester: pytest.Pytester, elsewhere: FakeGalleryServer
) -> None:
    pytester.makepyfile(INNER)
    result = pytester.runpytest("--fakegallery-url", elsewhere.url)
    result.stdout.fnmatch_lines([f"fakegallery *: external server {elsewhere.url} *"])
    result.assert_outcomes(passed=6)
    # Each test's site was dropped over HTTP (data, live site, media, events,
    # settings), and the clock runs again as before the frozen test.
    fake, fresh = elsewhere.fake, FakeGallery(elsewhere.fake.settings)
    assert fake.store.site_ids() == []
    for name in ("live", "media", "events", "site_settings"):
        assert getattr(fake, name).dump() == getattr(fresh, name).dump(), name
    assert fake.clock.frozen is False
    assert not elsewhere.take_errors()


def test_external_server_ini_option(
    pytester: pytest.Pytester, elsewhere: FakeGalleryServer
) -> None:
    pytester.makeini(f"[pytest]\nfakegallery_url = {elsewhere.url}\n")
    pytester.makepyfile(
        "def test_x(fakegallery):\n    assert fakegallery.server.url == "
        f"{elsewhere.url!r}\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("closed", "*fakegallery: no fakegallery answers at http://127.0.0.1:*"),
        ("localhost:5000", "*--fakegallery-url wants an origin such as*"),
    ],
)
def test_external_server_unreachable_or_malformed(
    pytester: pytest.Pytester, url: str, message: str
) -> None:
    if url == "closed":
        url = f"http://127.0.0.1:{_closed_port()}"
    pytester.makepyfile("def test_x(fakegallery):\n    pass\n")
    result = pytester.runpytest("--fakegallery-url", url)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_fixtures_route_all_or_nothing(elsewhere: FakeGalleryServer) -> None:
    import requests

    good = Path(__file__).parent.parent / "fixtures" / "basic.json"
    site = "5a1e0c7d-7777-4222-8333-944455566677"
    with requests.Session() as http:
        http.trust_env = False
        url = f"{elsewhere.url}/_fake/fixtures?siteId={site}"
        bad = http.post(url, json=[good.read_text(), {"galleries": [{"x": 1}]}])
        assert bad.status_code == 400
        violation = bad.json()["details"]["validationError"]["fieldViolations"][0]
        assert violation["field"] == "body"
        assert violation["description"].startswith("body[0]: must be a JSON object")
        import orjson

        document = orjson.loads(good.read_bytes())
        bad = http.post(url, json=[document, {"galleries": [{"x": 1}]}])
        assert bad.status_code == 400
        assert "body[1]: galleries[0].x: unknown key" in bad.text
        assert elsewhere.fake.store.site_ids() == []  # nothing stored
        ok = http.post(url, json=document)
        assert ok.json() == {"siteIds": [site]}
        assert len(elsewhere.fake.gallery.site_state(site)["galleries"]) == 2
