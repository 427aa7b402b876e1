"""Authentication, permissions and site isolation (docs/behaviour.md §3)."""

from __future__ import annotations

import pytest

from fakegallery import create_app
from fakegallery.config import DEFAULT_SITE_ID

SITE_A = "aaaaaaaa-0000-4000-8000-000000000001"
SITE_B = "bbbbbbbb-0000-4000-8000-000000000002"
KEYS = {
    "reader": {"permissions": ["PRO_GALLERY.READ"]},
    "writer": {"permissions": ["PRO_GALLERY.MANAGE"]},
    "site-a-key": {"siteId": SITE_A},
}


def _client(**config):
    return create_app({"API_KEYS": KEYS, **config}).test_client()


def _post(client, headers):
    return client.post("/pro-gallery/v2/galleries", json={}, headers=headers)


def _get(client, headers):
    return client.get("/pro-gallery/v2/galleries", headers=headers)


def test_missing_authorization_is_401(check_error):
    client = _client()
    error = check_error(_get(client, {"wix-site-id": SITE_A}), 401, "UNAUTHENTICATED")
    assert "Authorization" in error["description"]


@pytest.mark.parametrize("value", ["any-key", "Bearer any-token", "bearer x"])
def test_any_key_is_accepted_by_default(value):
    assert _post(_client(), {"Authorization": value}).status_code == 200


def test_strict_mode_rejects_undeclared_keys(check_error):
    client = _client(AUTH="strict")
    check_error(_get(client, {"Authorization": "unknown"}), 401, "UNAUTHENTICATED")
    assert _get(client, {"Authorization": "reader"}).status_code == 200


def test_read_only_key_cannot_write(check_error):
    client = _client()
    headers = {"Authorization": "reader", "wix-site-id": SITE_A}
    assert _get(client, headers).status_code == 200
    error = check_error(_post(client, headers), 403, "PERMISSION_DENIED")
    assert "PRO_GALLERY.MANAGE" in error["description"]
    assert _get(client, headers).json["totalGalleries"] == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "galleries/{g}"),
        ("DELETE", "galleries/{g}"),
        ("POST", "galleries/{g}/items"),
        ("DELETE", "galleries/{g}/items"),
        ("POST", "galleries/{g}/items/delete"),
        ("PATCH", "galleries/{g}/items/{g}"),
        ("DELETE", "galleries/{g}/items/{g}"),
    ],
)
def test_every_write_needs_manage(check_error, method, path):
    client = _client()
    url = "/pro-gallery/v2/" + path.format(g=SITE_A)
    response = client.open(
        url, method=method, json={}, headers={"Authorization": "reader"}
    )
    check_error(response, 403, "PERMISSION_DENIED")


def test_manage_key_can_read_and_write():
    client = _client()
    headers = {"Authorization": "writer"}
    assert _post(client, headers).status_code == 200
    assert _get(client, headers).json["totalGalleries"] == 1


def test_key_bound_to_a_site_uses_it_and_refuses_others(check_error):
    client = _client()
    _post(client, {"Authorization": "site-a-key"})
    listed = _get(client, {"Authorization": "k", "wix-site-id": SITE_A})
    assert listed.json["totalGalleries"] == 1
    other = _get(client, {"Authorization": "site-a-key", "wix-site-id": SITE_B})
    check_error(other, 403, "PERMISSION_DENIED")


def test_missing_site_header_uses_the_default_site():
    client = _client()
    _post(client, {"Authorization": "k"})
    explicit = _get(client, {"Authorization": "k", "wix-site-id": DEFAULT_SITE_ID})
    assert explicit.json["totalGalleries"] == 1


def test_no_default_site_means_403_without_header(check_error):
    client = _client(DEFAULT_SITE_ID=None)
    error = check_error(_get(client, {"Authorization": "k"}), 403, "PERMISSION_DENIED")
    assert "wix-site-id" in error["description"]


def test_auth_off_needs_no_header():
    assert _post(_client(AUTH="off"), {}).status_code == 200


def test_sites_never_see_each_other(check_error):
    client = _client()
    a = {"Authorization": "k", "wix-site-id": SITE_A}
    b = {"Authorization": "k", "wix-site-id": SITE_B}
    gallery = _post(client, a).json["gallery"]
    assert _get(client, b).json == {"totalGalleries": 0, "galleries": []}
    url = f"/pro-gallery/v2/galleries/{gallery['id']}"
    check_error(client.get(url, headers=b), 404, "GALLERY_NOT_FOUND")
    check_error(client.delete(url, headers=b), 404, "GALLERY_NOT_FOUND")
    assert client.get(url, headers=a).status_code == 200


def test_auth_is_checked_before_input(check_error):
    response = _client().get("/pro-gallery/v2/galleries/not-a-guid")
    check_error(response, 401, "UNAUTHENTICATED")
