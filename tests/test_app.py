"""The app as a whole: factory and settings, every prefix, request ids, and the
Wix-shaped JSON answer for unknown routes, wrong methods, bad JSON and crashes."""

from __future__ import annotations

import pytest

from fakegallery import PREFIXES, create_app, get_fake
from fakegallery.config import Settings

HEADERS = {"Authorization": "k", "wix-site-id": "site-prefixes"}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_prefix_serves_the_same_store(client, prefix):
    created = client.post(
        f"{prefix}/galleries", json={"gallery": {"name": prefix}}, headers=HEADERS
    )
    assert created.status_code == 200
    gallery_id = created.json["gallery"]["id"]
    for other in PREFIXES:
        got = client.get(f"{other}/galleries/{gallery_id}", headers=HEADERS)
        assert got.status_code == 200
        assert got.json["gallery"]["name"] == prefix


def test_success_is_200_json_even_for_delete(api):
    gallery = api.create_gallery(name="x")
    response = api.delete(f"galleries/{gallery['id']}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json == {"galleryId": gallery["id"]}


def test_every_response_has_a_request_id(api):
    ok = api.get("galleries")
    missing = api.get("no-such-route")
    assert ok.headers["X-Wix-Request-Id"] != missing.headers["X-Wix-Request-Id"]
    assert len(missing.headers["X-Wix-Request-Id"]) == 36


def test_unknown_route_is_wix_shaped_404(api, check_error):
    response = api.get("/not/a/route")
    error = check_error(response, 404, "NOT_FOUND")
    assert "/not/a/route" in error["description"]
    assert response.mimetype == "application/json"


def test_wrong_method_is_wix_shaped_405(api, check_error):
    response = api.call("PUT", "galleries")
    error = check_error(response, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in error["data"]["allowed"]


@pytest.mark.parametrize(
    ("raw", "description"),
    [("{not json", "is not valid JSON"), ("[1, 2]", "must be a JSON object")],
    ids=["malformed", "array"],
)
def test_bad_json_body_is_400_naming_body(api, check_violation, raw, description):
    response = api.call(
        "POST", "galleries", data=raw, headers={"Content-Type": "application/json"}
    )
    violation = check_violation(response, "body", "FORMAT")
    assert description in violation["description"]


def test_empty_body_counts_as_empty_object(api):
    response = api.call("POST", "galleries", data="")
    assert response.status_code == 200
    assert response.json["gallery"]["items"] == []


def test_unexpected_exception_is_json_500_and_recorded(app, api, monkeypatch):
    from fakegallery.gallery.api import GalleryApi

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(GalleryApi, "list_galleries", boom)
    response = api.get("galleries")
    assert response.status_code == 500
    assert response.json["details"]["applicationError"]["code"] == "INTERNAL"
    assert "kaboom" in response.json["message"]
    errors = get_fake(app).take_errors()
    assert [str(e) for e in errors] == ["kaboom"]


def test_settings_come_from_environment(monkeypatch):
    monkeypatch.setenv("FAKEGALLERY_MAX_ITEM_LIMIT", "7")
    monkeypatch.setenv("FAKEGALLERY_ITEM_SORT_DESC", "true")
    settings = get_fake(create_app()).settings
    assert settings.max_item_limit == 7
    assert settings.item_sort_desc is True


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("AUTH", "maybe", "AUTH must be one of"),
        ("MAX_ITEM_LIMIT", 0, "MAX_ITEM_LIMIT"),
        ("API_KEYS", {"k": {"permissions": ["NOPE"]}}, "unknown permissions"),
    ],
)
def test_bad_settings_fail_at_start(key, value, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_mapping({key: value})


def test_apps_do_not_share_state():
    first, second = create_app(), create_app()
    headers = {"Authorization": "k"}
    first.test_client().post("/pro-gallery/v2/galleries", json={}, headers=headers)
    listed = second.test_client().get("/pro-gallery/v2/galleries", headers=headers)
    assert listed.json["totalGalleries"] == 0


def test_other_http_errors_are_wix_shaped(check_error):
    app = create_app({"MAX_REQUEST_BYTES": 1024})
    response = app.test_client().post(
        "/pro-gallery/v2/galleries",
        json={"gallery": {"name": "x" * 2000}},
        headers={"Authorization": "k"},
    )
    check_error(response, 413, "REQUEST_ENTITY_TOO_LARGE")
    assert response.mimetype == "application/json"
