"""The test handle's journal API (docs/journal-and-faults.md#assertions):
requests(), assert_called / assert_not_called with their near-miss messages
(golden), loud failures over a journal that dropped entries, and the fault
helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fakegallery import GallerySite, create_app
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.testing.verify import (
    JournalAssertionError,
    JournalIncomplete,
    json_diff,
    query_diff,
)

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
IMAGE = {"imageInfo": {"id": "a~mv2.jpg", "width": 4, "height": 3}}


@pytest.fixture
def make_site() -> Iterator[Any]:
    """A site on a fresh server: same seed, same clock, so the same ids and
    sequence numbers on every run."""
    servers: list[FakeGalleryServer] = []

    def make(**config: Any) -> GallerySite:
        settings = {"SEED": 7, "FROZEN_TIME": "2026-01-02T03:04:05Z", **config}
        server = FakeGalleryServer(create_app(settings)).start()
        servers.append(server)
        return GallerySite(server, SITE)

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def scene(make_site: Any) -> tuple[GallerySite, str]:
    """#2 createGallery, #3 createGalleryItem (Sunrise), #4 a 400 create
    (Sunset, quality 101), #5 getGallery?itemLimit=5, #6 a typo'd GET (404)."""
    site = make_site()
    http = site.wsgi_client()
    api = site.api_url
    gallery = http.post(f"{api}/galleries", json={"gallery": {"name": "Trip"}})
    gid = gallery.json()["gallery"]["id"]
    items = f"{api}/galleries/{gid}/items"
    http.post(items, json={"item": {"title": "Sunrise", "image": IMAGE}})
    bad = {"title": "Sunset", "image": {**IMAGE, "quality": 101}}
    http.post(items, json={"item": bad})
    http.get(f"{api}/galleries/{gid}?itemLimit=5")
    http.get(f"{api}/gallery/{gid}")
    return site, gid


def failure(site: GallerySite, operation: str, **options: Any) -> str:
    with pytest.raises(JournalAssertionError) as raised:
        site.assert_called(operation, **options)
    return str(raised.value)


def test_golden_body_near_misses(scene: tuple[GallerySite, str]) -> None:
    site, gid = scene
    message = failure(
        site,
        "createGalleryItem",
        json={"item": {"title": "Sunset", "image": {"quality": 90}}},
    )
    assert message == (
        "assert_called('createGalleryItem', json={'item': {'title': 'Sunset', "
        "'image': {'quality': 90}}}) failed on site "
        f"{SITE}: 0 matching call(s), expected at least 1.\n"
        "Near misses, closest first:\n"
        f"  #4 POST /pro-gallery/v2/galleries/{gid}/items → 400 INVALID_ARGUMENT\n"
        "      json item.image.quality: expected 90, got 101\n"
        f"  #3 POST /pro-gallery/v2/galleries/{gid}/items → 200\n"
        "      json item.title: expected 'Sunset', got 'Sunrise'\n"
        "      json item.image.quality: expected 90, missing"
    )


def test_golden_count_with_a_typo_d_route(scene: tuple[GallerySite, str]) -> None:
    site, gid = scene
    assert failure(site, "getGallery", times=2) == (
        f"assert_called('getGallery', times=2) failed on site {SITE}: "
        "1 matching call(s), expected exactly 2.\n"
        "Matching calls (1):\n"
        f"  #5 GET /pro-gallery/v2/galleries/{gid}?itemLimit=5 → 200\n"
        "Near misses, closest first:\n"
        f"  #6 GET /pro-gallery/v2/gallery/{gid} → 404 NOT_FOUND\n"
        "      operation: expected getGallery (GET /galleries/{galleryId}), "
        "got none (no such route)"
    )


def test_golden_query_and_too_many(scene: tuple[GallerySite, str]) -> None:
    site, gid = scene
    assert failure(site, "getGallery", query={"itemLimit": 10, "itemOffset": 0}) == (
        "assert_called('getGallery', query={'itemLimit': 10, 'itemOffset': 0}) "
        f"failed on site {SITE}: 0 matching call(s), expected at least 1.\n"
        "Near misses, closest first:\n"
        f"  #5 GET /pro-gallery/v2/galleries/{gid}?itemLimit=5 → 200\n"
        "      query itemLimit: expected '10', got '5'\n"
        "      query itemOffset: expected '0', missing\n"
        f"  #6 GET /pro-gallery/v2/gallery/{gid} → 404 NOT_FOUND\n"
        "      operation: expected getGallery (GET /galleries/{galleryId}), "
        "got none (no such route)"
    )
    assert failure(site, "createGalleryItem", times=1) == (
        f"assert_called('createGalleryItem', times=1) failed on site {SITE}: "
        "2 matching call(s), expected exactly 1.\n"
        "Matching calls (2):\n"
        f"  #3 POST /pro-gallery/v2/galleries/{gid}/items → 200\n"
        f"  #4 POST /pro-gallery/v2/galleries/{gid}/items → 400 INVALID_ARGUMENT"
    )


def test_golden_never_called_lists_the_closest_routes(
    scene: tuple[GallerySite, str],
) -> None:
    site, gid = scene
    message = failure(site, "deleteGallery")
    assert message.splitlines()[1:4] == [
        "Near misses, closest first:",
        f"  #5 GET /pro-gallery/v2/galleries/{gid}?itemLimit=5 → 200",
        "      operation: expected deleteGallery (DELETE /galleries/{galleryId}), "
        "got getGallery",
    ]
    with pytest.raises(JournalAssertionError) as raised:
        site.assert_not_called("createGallery")
    assert str(raised.value) == (
        f"assert_not_called('createGallery') failed on site {SITE}:\n"
        "createGallery was called 1 time(s):\n"
        "  #2 POST /pro-gallery/v2/galleries → 200"
    )


def test_passing_assertions_return_the_entries(scene: tuple[GallerySite, str]) -> None:
    site, _gid = scene
    [entry] = site.assert_called(
        "createGalleryItem", json={"item": {"title": "Sunrise"}}
    )
    assert entry["seq"] == 3
    assert entry["status"] == 200
    assert len(site.assert_called("createGalleryItem", times=2)) == 2
    site.assert_called("getGallery", times=1, query={"itemLimit": "5"})
    site.assert_called("listGalleries", times=0)
    site.assert_not_called("deleteGallery")
    assert [e["seq"] for e in site.requests(status="4xx")] == [4, 6]
    assert [e["seq"] for e in site.requests(method="post", since=2)] == [3, 4]
    assert [e["seq"] for e in site.requests(path="/galleries/*")] == [5]
    assert site.clear_requests() == 5
    site.assert_not_called("createGallery")


def test_unknown_operations_and_bad_filters(scene: tuple[GallerySite, str]) -> None:
    site, _ = scene
    with pytest.raises(ValueError, match="createGalleryItem"):
        site.assert_called("createItem")
    with pytest.raises(ValueError, match="unknown operation"):
        site.requests("getGalleries")
    with pytest.raises(ValueError, match="4xx"):
        site.requests(status="bad")


def test_a_journal_that_dropped_entries_fails_loudly(make_site: Any) -> None:
    site = make_site(JOURNAL_MAX_ENTRIES=3)
    http = site.wsgi_client()
    for _ in range(5):
        http.get(f"{site.api_url}/galleries")
    with pytest.raises(JournalIncomplete, match="dropped 2 entries of this site"):
        site.assert_called("listGalleries", times=3)
    with pytest.raises(JournalIncomplete, match="cannot be trusted"):
        site.assert_not_called("createGallery")
    with pytest.raises(JournalIncomplete, match="dropped"):
        site.assert_called("createGallery")
    assert len(site.assert_called("listGalleries")) == 3  # found: still true


def test_a_journal_that_is_off_fails_loudly(make_site: Any) -> None:
    site = make_site(JOURNAL=False)
    with pytest.raises(JournalIncomplete, match="JOURNAL=false"):
        site.assert_not_called("createGallery")


def test_other_sites_are_not_seen(scene: tuple[GallerySite, str]) -> None:
    site, _ = scene
    other = GallerySite(site.server, "5a1e0c7d-2222-4222-8333-944455566677")
    other.assert_not_called("createGallery")
    other.wsgi_client().post(f"{site.api_url}/galleries", json={})
    site.assert_called("createGallery", times=1)


@pytest.mark.parametrize(
    ("expected", "actual", "diffs"),
    [
        ({"a": 1}, {"a": 1, "b": 2}, []),
        ({"a": True}, {"a": 1}, ["a: expected True, got 1"]),
        ({"a": 1.0}, {"a": 1}, []),
        ({"a": {"b": 1}}, {"a": []}, ["a: expected an object, got []"]),
        ([{"id": 1}], [{"id": 1, "x": 2}], []),
        ([1, 2], [1], ["(body): expected [1, 2], got [1]"]),
        ({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}]}, ["a[1].b: expected 2, got 3"]),
        ({"a": None}, {"b": 1}, ["a: expected None, missing"]),
        ({"a": 1}, None, ["(body): expected an object, got None"]),
    ],
)
def test_json_subset(expected: Any, actual: Any, diffs: list[str]) -> None:
    assert json_diff(expected, actual) == diffs


def test_query_subset() -> None:
    actual = {"itemsIds": ["a", "b"], "limit": "5"}
    assert query_diff({"limit": 5, "itemsIds": ["a", "b"]}, actual) == []
    assert query_diff({"itemsIds": "a"}, actual) == [
        "query itemsIds: expected 'a', got ['a', 'b']"
    ]
    assert query_diff({"offset": 0}, actual) == ["query offset: expected '0', missing"]


# --- fault helpers (the plugin's own fixture) ---------------------------------------


def test_fail_next_is_a_context_manager(fakegallery: GallerySite) -> None:
    url = f"{fakegallery.api_url}/galleries"
    with fakegallery.fail_next("createGallery") as rule:
        first = fakegallery.client.post(url, json={})
        second = fakegallery.client.post(url, json={})
        assert rule.hits == 1
        assert not rule.active
        assert [r["id"] for r in fakegallery.faults()] == [rule.id]
    assert (first.status_code, second.status_code) == (503, 200)
    assert fakegallery.faults() == []
    with pytest.raises(KeyError, match="removed"):
        rule.record()
    fakegallery.assert_called("createGallery", times=2)
    [faulted] = fakegallery.requests("createGallery", status=503)
    assert faulted["fault"]["rules"] == [rule.id]


def test_fault_rules_are_bound_to_the_test_site(fakegallery: GallerySite) -> None:
    rule = fakegallery.fault("listGalleries", status=500, delay_ms=(1, 2), times=3)
    spec = rule.record()
    assert spec["match"] == {
        "siteId": fakegallery.site_id,
        "operation": "listGalleries",
    }
    assert spec["action"] == {"status": 500, "delayMs": [1, 2]}
    other = requests.Session()
    other.trust_env = False
    other.headers.update({**fakegallery.headers, "wix-site-id": "another-site"})
    assert other.get(f"{fakegallery.api_url}/galleries").status_code == 200
    assert fakegallery.client.get(f"{fakegallery.api_url}/galleries").status_code == 500
    other.close()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"status": 700}, "action.status"),
        ({"connection": "hang"}, "action.connection"),
        ({"probability": -1}, "probability"),
        ({"delay_ms": (5, 1)}, "action.delayMs"),
    ],
)
def test_bad_fault_options_are_value_errors(
    fakegallery: GallerySite, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        fakegallery.fault("listGalleries", **options)
    assert fakegallery.faults() == []


def test_teardown_drops_the_site_s_rules_and_entries(fakegallery: GallerySite) -> None:
    fakegallery.fault("listGalleries", status=503)
    fakegallery.client.get(f"{fakegallery.api_url}/galleries")
    fake, site = fakegallery.fake, fakegallery.site_id
    fakegallery.close()
    assert fake.faults.list(site) == []
    assert [e for e in fake.journal.select() if e.site_id == site] == []
