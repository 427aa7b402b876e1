"""The request journal (docs/journal-and-faults.md): what each entry holds,
the /_fake/requests filters and their refusals, the bounds in entries and bytes
with the dropped counters, and the 404 that names the closest route."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from conftest import HEADERS, PREFIX, SITE, Api
from flask import Flask
from flask.testing import FlaskClient

from fakegallery import PREFIXES, create_app, get_fake
from fakegallery.config import DEFAULT_SITE_ID
from fakegallery.fake import FakeGallery
from fakegallery.state.journal import Query

OTHER = "5a1e0c7d-2222-4222-8333-944455566677"
IMAGE = {"image": {"imageInfo": {"id": "11062b_a~mv2.jpg", "width": 4, "height": 3}}}


def listed(client: FlaskClient, query: str = "") -> dict[str, Any]:
    response = client.get(f"/_fake/requests{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    return body


def records(fake: FakeGallery, **filters: Any) -> list[dict[str, Any]]:
    return [e.to_record() for e in fake.journal.select(Query(**filters))]


def test_an_api_call_is_recorded_whole(api: Api, fake: FakeGallery) -> None:
    gallery = api.create_gallery(name="Trip")
    response = api.post(
        f"galleries/{gallery['id']}/items?x=1&x=2", {"item": {**IMAGE, "title": "a"}}
    )
    assert response.status_code == 200
    entry = records(fake, operation="createGalleryItem")[-1]
    assert entry["siteId"] == SITE
    assert entry["prefix"] == PREFIX
    assert entry["method"] == "POST"
    assert entry["path"] == f"{PREFIX}/galleries/{gallery['id']}/items"
    assert entry["query"] == {"x": ["1", "2"]}
    assert entry["queryString"] == "x=1&x=2"
    assert entry["requestBody"] == {"item": {**IMAGE, "title": "a"}}
    assert entry["responseBody"] == response.json
    assert entry["status"] == 200
    assert entry["errorCode"] is None
    assert entry["requestId"] == response.headers["X-Wix-Request-Id"]
    assert entry["time"] == "2026-01-02T03:04:05.000Z"  # the frozen fake clock
    assert entry["durationMs"] >= 0
    assert entry["requestHeaders"]["authorization"] == "test…(8 chars)"
    assert entry["fault"] is None
    assert entry["rulesRelaxed"] == []
    assert not entry["requestBodyTruncated"]
    assert not entry["responseBodyTruncated"]
    first, second = records(fake)[-2:]
    assert second["seq"] == first["seq"] + 1


@pytest.mark.parametrize("prefix", PREFIXES)
def test_each_prefix_is_recorded(api: Api, fake: FakeGallery, prefix: str) -> None:
    assert api.get(f"{prefix}/galleries").status_code == 200
    entry = records(fake)[-1]
    assert (entry["prefix"], entry["operation"]) == (prefix, "listGalleries")


def test_control_routes_unknown_routes_and_wrong_methods_are_recorded(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    client.post(f"/_fake/reset?siteId={OTHER}")
    api.get("no-such-route")
    api.call("PUT", "galleries")
    reset, missing, wrong = records(fake)[-3:]
    # ?siteId= of a control route is not the entry's site (only the header is)
    assert (reset["path"], reset["siteId"], reset["operation"]) == (
        "/_fake/reset",
        None,
        None,
    )
    assert reset["prefix"] is None
    assert (missing["status"], missing["errorCode"], missing["operation"]) == (
        404,
        "NOT_FOUND",
        None,
    )
    assert missing["siteId"] == SITE  # from the wix-site-id header
    assert (wrong["status"], wrong["errorCode"]) == (405, "METHOD_NOT_ALLOWED")


def test_a_refused_call_is_recorded_under_the_site_it_addressed(
    client: FlaskClient, fake: FakeGallery
) -> None:
    client.get(f"{PREFIX}/galleries")  # no key, no wix-site-id: the default site
    entry = records(fake)[-1]
    assert (entry["status"], entry["errorCode"]) == (401, "UNAUTHENTICATED")
    assert entry["siteId"] == DEFAULT_SITE_ID
    assert entry["operation"] == "listGalleries"


def test_the_dashboard_s_own_polling_is_left_out(
    client: FlaskClient, fake: FakeGallery
) -> None:
    marked = client.get("/_fake/requests", headers={"X-Fakegallery-Dashboard": "1"})
    assert marked.status_code == 200
    client.get("/_fake/events")
    assert [r["path"] for r in records(fake)] == ["/_fake/events"]


def test_errors_carry_their_code(api: Api, fake: FakeGallery) -> None:
    api.get("galleries/5a1e0c7d-0000-4222-8333-944455566677")
    api.post("galleries", {"gallery": {"sortOrder": "x"}})
    missing, invalid = records(fake)[-2:]
    assert missing["errorCode"] == "GALLERY_NOT_FOUND"
    assert invalid["errorCode"] == "INVALID_ARGUMENT"


# --- GET /_fake/requests ------------------------------------------------------------


@pytest.fixture
def busy(api: Api, client: FlaskClient) -> dict[str, Any]:
    """Three creates, two lists, a 404 on the test site; one call on another."""
    ids = [api.create_gallery(name=f"g{i}")["id"] for i in range(3)]
    api.get("galleries")
    api.get("galleries?limit=2")
    api.get(f"galleries/{ids[0]}/items/5a1e0c7d-0000-4222-8333-944455566677")
    other = Api(client, {**HEADERS, "wix-site-id": OTHER})
    other.get("galleries")
    return {"ids": ids}


def test_filters(client: FlaskClient, busy: dict[str, Any]) -> None:
    site = f"?siteId={SITE}"
    assert listed(client, f"{site}&operation=createGallery")["total"] == 3
    assert listed(client, f"{site}&method=get")["total"] == 3
    assert listed(client, f"?siteId={OTHER}")["total"] == 1
    assert listed(client, f"{site}&status=404")["total"] == 1
    assert listed(client, f"{site}&status=4xx")["total"] == 1
    assert listed(client, f"{site}&status=2xx")["total"] == 5
    items = listed(client, f"{site}&path=/galleries/*/items/*")
    assert [r["operation"] for r in items["requests"]] == ["getGalleryItem"]
    full = listed(client, f"{site}&path={PREFIX}/galleries")
    assert full["total"] == 5  # 3 POST + 2 GET, the full path with its prefix
    assert listed(client, "?path=/_fake/**")["total"] >= 1


def test_since_and_limit(client: FlaskClient, busy: dict[str, Any]) -> None:
    everything = listed(client, f"?siteId={SITE}&limit=1000")["requests"]
    seqs = [r["seq"] for r in everything]
    assert seqs == sorted(seqs)
    assert len(seqs) == 6
    latest = listed(client, f"?siteId={SITE}&limit=2")
    assert [r["seq"] for r in latest["requests"]] == seqs[-2:]
    assert latest["total"] == 6
    after = listed(client, f"?siteId={SITE}&since={seqs[1]}&limit=2")
    assert [r["seq"] for r in after["requests"]] == seqs[2:4]
    assert after["total"] == 4
    assert listed(client, f"?siteId={SITE}&since={seqs[-1]}")["requests"] == []


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ("operation=createGalery", "operation", "FORMAT"),
        ("status=42", "status", "FORMAT"),
        ("status=6xx", "status", "FORMAT"),
        ("since=-1", "since", "MIN"),
        ("since=abc", "since", "FORMAT"),
        ("limit=0", "limit", "MIN"),
        ("limit=10001", "limit", "MAX"),
        ("method=G+T", "method", "FORMAT"),
        ("path=galleries", "path", "FORMAT"),
        ("opertion=getGallery", "opertion", "INVALID_ARGUMENT"),
    ],
)
def test_bad_filters_are_400_naming_the_field(
    client: FlaskClient, check_violation: Any, query: str, field: str, rule: str
) -> None:
    violation = check_violation(client.get(f"/_fake/requests?{query}"), field, rule)
    if field == "operation":
        assert "createGalleryItem" in violation["description"]
        assert "getGallery" in violation["data"]["values"]
    if field == "opertion":
        assert "did you mean operation" in violation["description"]


def test_delete_all_or_one_site(
    client: FlaskClient, fake: FakeGallery, busy: dict[str, Any]
) -> None:
    response = client.delete(f"/_fake/requests?siteId={OTHER}")
    assert response.json == {"deleted": 1}
    assert records(fake, site_id=OTHER) == []
    assert len(records(fake, site_id=SITE)) == 6
    assert client.delete("/_fake/requests").json["deleted"] >= 7  # type: ignore[index]
    assert [r["path"] for r in records(fake)] == ["/_fake/requests"]  # the DELETE
    assert fake.journal.dropped == 0  # cleared on purpose, not dropped


# --- bounds -------------------------------------------------------------------------


def small_app(**config: Any) -> tuple[Flask, FakeGallery, Api]:
    app = create_app({"TESTING": True, "SEED": 1, **config})
    return app, get_fake(app), Api(app.test_client(), dict(HEADERS))


def test_count_bound_drops_the_oldest_and_counts_them_per_site() -> None:
    _app, fake, api = small_app(JOURNAL_MAX_ENTRIES=5)
    other = Api(api.client, {**HEADERS, "wix-site-id": OTHER})
    for _ in range(3):
        other.get("galleries")
    for _ in range(5):
        api.get("galleries")
    assert len(fake.journal) == 5
    assert fake.journal.dropped == 3
    assert fake.journal.dropped_for(OTHER) == 3
    assert fake.journal.dropped_for(SITE) == 0
    api.get("galleries")
    answer = listed(api.client, f"?siteId={SITE}")
    assert answer["dropped"] == 1
    assert [r["seq"] for r in answer["requests"]] == [5, 6, 7, 8, 9]
    # recorded after it answered, the listing itself pushed out seq 5
    assert fake.journal.dropped_for(SITE) == 2


def test_byte_bound_drops_the_oldest() -> None:
    _, fake, api = small_app(JOURNAL_MAX_BYTES=64 * 1024, JOURNAL_BODY_BYTES=20_000)
    for i in range(10):
        api.post("galleries", {"gallery": {"name": f"{i}" + "x" * 9000}})
    journal = fake.journal
    assert journal.bytes <= 64 * 1024
    assert 0 < len(journal) < 10
    assert journal.dropped == 10 - len(journal)
    assert journal.dropped_for(SITE) == journal.dropped


def test_bodies_are_cut_to_the_body_limit() -> None:
    _, fake, api = small_app(JOURNAL_BODY_BYTES=50)
    response = api.post("galleries", {"gallery": {"name": "n" * 200}})
    assert response.status_code == 200
    (entry,) = records(fake)
    assert entry["requestBodyTruncated"]
    assert entry["responseBodyTruncated"]
    assert isinstance(entry["requestBody"], str)
    assert len(entry["requestBody"]) == 50
    assert entry["requestBody"].startswith('{"gallery"')


def test_a_body_over_the_request_limit_is_not_read() -> None:
    _, fake, api = small_app(MAX_REQUEST_BYTES=2048)
    response = api.post("galleries", {"gallery": {"name": "n" * 4000}})
    assert response.status_code == 413
    (entry,) = records(fake)
    assert entry["status"] == 413
    assert entry["requestBodyTruncated"]
    assert entry["requestBody"] is None


def test_the_newest_entry_is_kept_even_alone_over_the_byte_limit() -> None:
    _, fake, api = small_app(JOURNAL_MAX_BYTES=64 * 1024, JOURNAL_BODY_BYTES=200_000)
    api.post("galleries", {"gallery": {"name": "n" * 100_000}})
    assert len(fake.journal) == 1


def test_journal_off() -> None:
    _app, fake, api = small_app(JOURNAL=False)
    api.get("galleries")
    assert len(fake.journal) == 0
    answer = listed(api.client)
    assert answer == {"requests": [], "dropped": 0, "total": 0, "enabled": False}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("JOURNAL", "maybe"),
        ("JOURNAL_MAX_ENTRIES", 0),
        ("JOURNAL_MAX_BYTES", 1000),
        ("JOURNAL_BODY_BYTES", -1),
    ],
)
def test_bad_journal_settings_name_the_key(key: str, value: Any) -> None:
    with pytest.raises(ValueError, match=key):
        create_app({key: value})


# --- lifecycle ----------------------------------------------------------------------


def test_reset_drop_site_dump_restore(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    Api(client, {**HEADERS, "wix-site-id": OTHER}).get("galleries")
    api.get("galleries")
    fake.drop_site(OTHER)
    assert records(fake, site_id=OTHER) == []
    assert len(records(fake, site_id=SITE)) == 1
    dumped = orjson.loads(orjson.dumps(fake.dump()))
    assert [e["siteId"] for e in dumped["journal"]["entries"]] == [SITE]
    before = records(fake)
    restored = get_fake(create_app({"SEED": 99}))
    restored.restore(dumped)
    assert records(restored) == before
    assert orjson.dumps(restored.dump()) == orjson.dumps(fake.dump())
    assert records(restored, site_id=SITE, operation="listGalleries") == before
    assert restored.journal.bytes > 0
    seq = fake.journal.seq
    api.get("galleries")
    assert records(fake)[-1]["seq"] == seq + 1
    fake.reset()
    assert len(fake.journal) == 0
    assert fake.journal.seq == 0
    assert fake.journal.dropped == 0


# --- the 404's closest route (docs/behaviour.md §5.13) ------------------------------


@pytest.mark.parametrize(
    ("method", "path", "closest"),
    [
        ("GET", "/pro-gallery/galleries", "GET /pro-gallery/v2/galleries"),
        ("GET", "/pro-gallery/v2/gallery", "GET /pro-gallery/v2/galleries"),
        (
            "GET",
            "/progallery/v2/gallery/5a1e0c7d-0000-4222-8333-944455566677",
            "GET /progallery/v2/galleries/{galleryId}",
        ),
        ("POST", "/pro-gallery/v2/galeries", "POST /pro-gallery/v2/galleries"),
        ("GET", "/_fake/request", "GET /_fake/requests"),
        ("GET", "/_fake/faults/fault-1/x", None),
        ("GET", "/not/a/route", None),
        ("GET", "/pro-gallery/v2/" + "g" * 600, None),
    ],
)
def test_a_404_names_the_closest_known_route(
    client: FlaskClient,
    check_error: Any,
    method: str,
    path: str,
    closest: str | None,
) -> None:
    response = client.open(path, method=method, headers=HEADERS)
    error = check_error(response, 404, "NOT_FOUND")
    if closest is None:
        assert "closest" not in error["description"]
        assert error["data"] == {}
    else:
        assert error["data"] == {"closestRoute": closest}
        assert error["description"].endswith(f"the closest known route is {closest}")
        assert response.json["message"] == error["description"]  # type: ignore[index]
