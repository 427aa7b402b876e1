"""Per-site settings (state/site_settings.py): one site overrides a switch, the
others keep the app's value; the control route; the component contract."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import HEADERS, SITE, Api, Builders
from flask.testing import FlaskClient

from fakegallery import create_app, get_fake
from fakegallery.config import Settings, SettingsError
from fakegallery.fake import FakeGallery
from fakegallery.state.site_settings import PER_SITE, SiteSettings

OTHER = "5a1e0c7d-2222-4222-8333-944455566677"
URL = "/_fake/site/settings"


def _other(api: Api) -> Api:
    return Api(api.client, {**HEADERS, "wix-site-id": OTHER})


# --- the component -------------------------------------------------------------------


def test_component_override_one_site_only() -> None:
    switches = SiteSettings(Settings())
    assert switches.update(SITE, {"item_sort_desc": "yes", "MAX_ITEM_LIMIT": 5}) == {
        "ITEM_SORT_DESC": True,
        "MAX_ITEM_LIMIT": 5,
    }
    assert switches.of(SITE).item_sort_desc is True
    assert switches.switch(SITE, "max_item_limit") == 5
    assert switches.of(OTHER) is switches.settings
    assert switches.effective(OTHER)["ITEM_SORT_DESC"] is False
    switches.update(SITE, {"ITEM_SORT_DESC": None})  # back to the app's value
    assert switches.overrides(SITE) == {"MAX_ITEM_LIMIT": 5}
    assert switches.of(SITE).item_sort_desc is False


def test_component_reset_drop_dump_restore() -> None:
    switches = SiteSettings(Settings())
    switches.update(SITE, {"STRICT_MEDIA": True})
    switches.update(OTHER, {"ALLOW_ELEVATE": False})
    dumped = switches.dump()
    switches.drop_site(SITE)
    assert switches.overrides(SITE) == {}
    assert switches.switch(OTHER, "allow_elevate") is False
    switches.reset()
    assert switches.dump() == {"sites": {}}
    switches.restore(dumped)
    assert switches.switch(SITE, "strict_media") is True
    assert switches.dump() == dumped


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ITEM_SORT_DESC": "maybe"}, "ITEM_SORT_DESC must be true or false"),
        ({"MAX_ITEM_LIMIT": 0}, "MAX_ITEM_LIMIT must be at least 1"),
        (
            {"STRICT_MEDA": True},
            "unknown setting STRICT_MEDA; did you mean STRICT_MEDIA?",
        ),
        ({"AUTH": "strict"}, "AUTH is app-wide, not per site"),
        ({"SEED": 3}, "SEED is app-wide, not per site"),
    ],
)
def test_component_bad_change_names_the_key_and_changes_nothing(
    changes: dict[str, Any], message: str
) -> None:
    switches = SiteSettings(Settings())
    switches.update(SITE, {"STRICT_MEDIA": True})
    with pytest.raises(SettingsError) as caught:
        switches.update(SITE, {"REJECT_DUPLICATE_SORT_ORDER": False, **changes})
    assert str(caught.value).startswith(message)
    assert switches.overrides(SITE) == {"STRICT_MEDIA": True}


def test_fake_components_include_site_settings(fake: FakeGallery) -> None:
    fake.site_settings.update(SITE, {"ITEM_SORT_DESC": True})
    dumped = fake.dump()
    assert dumped["site_settings"] == {"sites": {SITE: {"ITEM_SORT_DESC": True}}}
    fake.drop_site(SITE)
    assert fake.site_settings.overrides(SITE) == {}
    fake.restore(dumped)
    assert fake.site_settings.overrides(SITE) == {"ITEM_SORT_DESC": True}
    fake.reset()
    assert fake.site_settings.overrides(SITE) == {}


# --- each switch, per site -----------------------------------------------------------


def test_item_sort_desc_per_site_and_the_order_follows_a_change(
    api: Api, fake: FakeGallery, make: Builders
) -> None:
    other = _other(api)
    ids = {}
    for site_api in (api, other):
        gallery = site_api.create_gallery()
        for order in (1, 3, 2):
            site_api.create_item(gallery["id"], make.text(sortOrder=order))
        ids[site_api] = gallery["id"]

    def orders(site_api: Api) -> list[float]:
        got = site_api.get(f"galleries/{ids[site_api]}/items").json
        return [i["sortOrder"] for i in got["items"]]  # type: ignore[index]

    assert orders(api) == [1, 2, 3]  # cached in the store now
    fake.site_settings.update(SITE, {"ITEM_SORT_DESC": True})
    assert orders(api) == [3, 2, 1]
    assert orders(other) == [1, 2, 3]


def test_strict_media_per_site(api: Api, fake: FakeGallery, make: Builders) -> None:
    fake.site_settings.update(SITE, {"STRICT_MEDIA": True})
    refused = api.post("galleries", {"gallery": {"items": [make.image()]}})
    assert refused.status_code == 400
    assert (
        refused.json["details"]["validationError"]["fieldViolations"][0][  # type: ignore[index]
            "violatedRule"
        ]
        == "NOT_IN_MEDIA_MANAGER"
    )
    accepted = _other(api).post("galleries", {"gallery": {"items": [make.image()]}})
    assert accepted.status_code == 200


def test_reject_duplicate_sort_order_per_site(
    api: Api, fake: FakeGallery, make: Builders
) -> None:
    fake.site_settings.update(OTHER, {"REJECT_DUPLICATE_SORT_ORDER": False})
    for site_api, status in ((api, 409), (_other(api), 200)):
        gallery = site_api.create_gallery()
        site_api.create_item(gallery["id"], make.text(sortOrder=5))
        again = site_api.post(
            f"galleries/{gallery['id']}/items", {"item": make.text(sortOrder=5)}
        )
        assert again.status_code == status


def test_max_item_limit_per_site(api: Api, fake: FakeGallery) -> None:
    fake.site_settings.update(SITE, {"MAX_ITEM_LIMIT": 3})
    gallery = api.create_gallery()
    refused = api.get(f"galleries/{gallery['id']}", query_string={"itemLimit": 4})
    assert refused.status_code == 400
    violation = refused.json["details"]["validationError"]["fieldViolations"][0]  # type: ignore[index]
    assert (violation["field"], violation["violatedRule"]) == ("itemLimit", "MAX")
    other = _other(api)
    theirs = other.create_gallery()
    ok = other.get(f"galleries/{theirs['id']}", query_string={"itemLimit": 4})
    assert ok.status_code == 200


def test_allow_elevate_per_site() -> None:
    keys = {"reader": {"permissions": ["PRO_GALLERY.READ"]}}
    app = create_app({"API_KEYS": keys})
    get_fake(app).site_settings.update(SITE, {"ALLOW_ELEVATE": False})
    http = app.test_client()
    headers = {"Authorization": "reader", "X-Fake-Elevate": "true"}
    denied = http.post(
        "/pro-gallery/v2/galleries", json={}, headers={**headers, "wix-site-id": SITE}
    )
    assert denied.status_code == 403
    lent = http.post(
        "/pro-gallery/v2/galleries", json={}, headers={**headers, "wix-site-id": OTHER}
    )
    assert lent.status_code == 200


# --- over HTTP ---------------------------------------------------------------------


def test_route_get_and_patch(client: FlaskClient) -> None:
    first = client.get(URL, headers={"wix-site-id": SITE}).json
    assert first == {
        "siteId": SITE,
        "settings": {
            "ITEM_SORT_DESC": False,
            "REJECT_DUPLICATE_SORT_ORDER": True,
            "MAX_ITEM_LIMIT": 200,
            "STRICT_MEDIA": False,
            "ALLOW_ELEVATE": True,
        },
        "overrides": {},
    }
    assert set(first["settings"]) == set(PER_SITE)  # type: ignore[index]
    changed = client.patch(
        f"{URL}?siteId={SITE}", json={"ITEM_SORT_DESC": True, "MAX_ITEM_LIMIT": "9"}
    ).json
    assert changed["overrides"] == {"ITEM_SORT_DESC": True, "MAX_ITEM_LIMIT": 9}  # type: ignore[index]
    assert changed["settings"]["MAX_ITEM_LIMIT"] == 9  # type: ignore[index]
    cleared = client.patch(
        URL, json={"ITEM_SORT_DESC": None}, headers={"wix-site-id": SITE}
    )
    assert cleared.json["overrides"] == {"MAX_ITEM_LIMIT": 9}  # type: ignore[index]
    client.post(f"/_fake/reset?siteId={SITE}")
    assert client.get(URL, headers={"wix-site-id": SITE}).json["overrides"] == {}  # type: ignore[index]


def test_route_bad_keys_are_400_naming_each_and_change_nothing(
    client: FlaskClient,
) -> None:
    headers = {"wix-site-id": SITE}
    client.patch(URL, json={"STRICT_MEDIA": True}, headers=headers)
    response = client.patch(
        URL,
        json={"ITEM_SORT_DESC": True, "AUTH": "off", "MAX_ITEM_LIMIT": "lots"},
        headers=headers,
    )
    assert response.status_code == 400
    violations = response.json["details"]["validationError"]["fieldViolations"]  # type: ignore[index]
    assert [(v["field"], v["violatedRule"]) for v in violations] == [
        ("AUTH", "INVALID_ARGUMENT"),
        ("MAX_ITEM_LIMIT", "FORMAT"),
    ]
    assert "app-wide" in violations[0]["description"]
    after = client.get(URL, headers=headers).json
    assert after["overrides"] == {"STRICT_MEDIA": True}  # type: ignore[index]


@pytest.mark.parametrize("body", [b"[1]", b"not json"])
def test_route_body_must_be_an_object(client: FlaskClient, body: bytes) -> None:
    response = client.patch(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    violation = response.json["details"]["validationError"]["fieldViolations"][0]  # type: ignore[index]
    assert violation["field"] == "body"
