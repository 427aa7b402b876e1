"""The live site (issue 6): Editor vs backend galleries, widgets, empty widgets,
galleries connected from code, the Media Manager, publishing and elevate()."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

from fakegallery import create_app, get_fake
from fakegallery.config import READ
from fakegallery.fake import FakeGallery
from fakegallery.live.wgallery import LINK_TEXT, TEXT_ITEM
from fakegallery.seeding.fixtures import FixtureError, load_data, validate

# The site of conftest's `api` fixture (its HEADERS), and a second one.
SITE = "5a1e0c7d-1111-4222-8333-944455566677"
OTHER_SITE = "5a1e0c7d-2222-4222-8333-944455566677"
Api = Any  # conftest.Api: .get/.post/.patch/.delete, create_gallery, create_item
Builders = Any  # conftest.Builders: make.image(), make.youtube(), make.text()
MEDIA_ID = re.compile(r"^[0-9a-f]{6}_[0-9a-f]{32}~mv2\.(jpg|png|gif|webp)$")
Check = Callable[..., dict[str, Any]]


# --- helpers ---------------------------------------------------------------------


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width: int = 16, height: int = 9) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (0, 90, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def editor_gallery(
    client: FlaskClient, page: str | None = None, **gallery: Any
) -> dict[str, Any]:
    """POST /_fake/editor/galleries for the test site; returns {gallery, widget}."""
    payload: dict[str, Any] = {"gallery": gallery}
    if page is not None:
        payload["page"] = page
    response = client.post(
        "/_fake/editor/galleries", json=payload, headers={"wix-site-id": SITE}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    result: dict[str, Any] = response.json  # type: ignore[assignment]
    return result


def live(client: FlaskClient, site: str = SITE) -> dict[str, Any]:
    response = client.get("/_fake/live", headers={"wix-site-id": site})
    assert response.status_code == 200, response.get_data(as_text=True)
    result: dict[str, Any] = response.json  # type: ignore[assignment]
    return result


def widget(client: FlaskClient, widget_id: str) -> dict[str, Any]:
    response = client.get(
        f"/_fake/live/widgets/{widget_id}", headers={"wix-site-id": SITE}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    result: dict[str, Any] = response.json  # type: ignore[assignment]
    return result


def connect_widget(
    client: FlaskClient, widget_id: str, gallery_id: str | None
) -> TestResponse:
    return client.post(
        f"/_fake/live/widgets/{widget_id}/connect",
        json={"galleryId": gallery_id},
        headers={"wix-site-id": SITE},
    )


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


def upload(
    client: FlaskClient, data: bytes, name: str = "photo.png", site: str = SITE
) -> TestResponse:
    return client.post(
        "/_fake/media",
        data={"file": (BytesIO(data), name)},
        headers={"wix-site-id": site},
    )


# --- rule 1: two origins ------------------------------------------------------


def test_editor_gallery_backend_gallery_and_widget_share_the_id(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    made = editor_gallery(client, page="portfolio", name="Work", items=[make.image()])
    gallery_id = made["gallery"]["id"]
    assert made["widget"]["id"] == gallery_id
    backend = api.get(f"galleries/{gallery_id}").json["gallery"]  # type: ignore[index]
    assert backend["name"] == "Work"
    site = live(client)
    assert [p["name"] for p in site["pages"]] == ["portfolio"]
    shown = site["pages"][0]["widgets"][0]
    assert shown["id"] == gallery_id
    assert shown["source"] == "editor"
    assert shown["empty"] is False
    assert ids(shown["wireItems"]) == ids(backend["items"])


def test_editor_gallery_default_page_is_home(client: FlaskClient) -> None:
    made = editor_gallery(client)
    assert made["widget"]["page"] == "home"
    assert live(client)["pages"][0]["name"] == "home"


def test_backend_gallery_not_on_the_live_site(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    created = api.create_gallery(name="Stored", items=[make.image()])
    assert live(client)["pages"] == []
    listed = api.get("galleries").json["galleries"]  # type: ignore[index]
    assert [g["id"] for g in listed] == [created["id"]]


def test_editor_gallery_invalid_gallery_adds_neither(
    client: FlaskClient, api: Api, check_violation: Check
) -> None:
    response = client.post(
        "/_fake/editor/galleries",
        json={"gallery": {"items": [{"title": "no media"}]}},
        headers={"wix-site-id": SITE},
    )
    check_violation(response, "gallery.items[0]", "ONE_OF")
    assert live(client)["pages"] == []
    assert api.get("galleries").json["totalGalleries"] == 0  # type: ignore[index]


def test_editor_gallery_empty_page_name_is_400(
    client: FlaskClient, check_violation: Check
) -> None:
    response = client.post("/_fake/editor/galleries", json={"page": ""})
    check_violation(response, "page", "REQUIRED_FIELD")


def test_editor_gallery_emits_gallery_created(fake: FakeGallery) -> None:
    made = fake.site.add_editor_gallery(SITE, {"name": "E"})
    types = [e.event_type for e in fake.events.list(SITE)]
    assert types == ["wix.pro_gallery.gallery_v2_created"]
    assert made["widget"]["galleryName"] == "E"


# --- rule 2: backend → live sync ----------------------------------------------------


def test_item_writes_to_editor_gallery_show_at_once(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    gid = editor_gallery(client)["gallery"]["id"]
    item = api.create_item(gid, make.image(title="first"))
    assert [i["title"] for i in widget(client, gid)["wireItems"]] == ["first"]
    response = api.patch(
        f"galleries/{gid}/items/{item['id']}", {"item": {"title": "B"}}
    )
    assert response.status_code == 200
    assert [i["title"] for i in widget(client, gid)["wireItems"]] == ["B"]
    assert api.delete(f"galleries/{gid}/items/{item['id']}").status_code == 200
    assert widget(client, gid)["wireItems"] == []
    assert widget(client, gid)["empty"] is False  # no items, but not deleted


def test_update_gallery_shows_on_the_widget(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    gid = editor_gallery(client, name="Old")["gallery"]["id"]
    patch = {"gallery": {"id": gid, "name": "New", "items": [make.youtube()]}}
    assert api.patch(f"galleries/{gid}", patch).status_code == 200
    shown = widget(client, gid)
    assert shown["galleryName"] == "New"
    assert [i["type"] for i in shown["wireItems"]] == ["VIDEO"]


def test_text_item_added_to_editor_gallery_shows(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    gid = editor_gallery(client)["gallery"]["id"]
    text = api.create_item(gid, make.text())
    linked = api.create_item(gid, make.image(link={"text": "Read", "url": "x"}))
    shown = widget(client, gid)
    assert ids(shown["wireItems"]) == [text["id"], linked["id"]]
    assert shown["dropped"] == []


# --- rule 3: connecting a backend gallery from code -----------------------------------


def test_connect_shows_converted_items_and_reports_dropped(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    own = editor_gallery(client, items=[make.image(title="own")])["gallery"]
    backend = api.create_gallery(
        items=[
            make.image(title="kept"),
            make.text(title="text"),
            make.image(title="link text", link={"text": "Go", "url": "https://e.x"}),
            make.image(title="plain link", link={"url": "https://e.x"}),
            make.youtube(title="video"),
        ]
    )
    by_title = {i["title"]: i["id"] for i in backend["items"]}
    response = connect_widget(client, own["id"], backend["id"])
    assert response.status_code == 200, response.get_data(as_text=True)
    shown = response.json
    assert shown is not None
    assert shown["id"] == own["id"]
    assert shown["source"] == "code"
    assert shown["galleryId"] == backend["id"]
    assert shown["connectedGalleryId"] == backend["id"]
    assert [i["title"] for i in shown["wireItems"]] == ["kept", "plain link", "video"]
    assert [(d["itemId"], d["reason"]) for d in shown["dropped"]] == [
        (by_title["text"], TEXT_ITEM),
        (by_title["link text"], LINK_TEXT),
    ]
    assert all(d["description"] for d in shown["dropped"])
    assert widget(client, own["id"]) == shown


def test_connect_get_gallery_with_the_widget_id_returns_its_own_items(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    own = editor_gallery(client, items=[make.image(title="own")])["gallery"]
    backend = api.create_gallery(items=[make.image(title="other")])
    assert connect_widget(client, own["id"], backend["id"]).status_code == 200
    got = api.get(f"galleries/{own['id']}").json["gallery"]  # type: ignore[index]
    assert [i["title"] for i in got["items"]] == ["own"]
    assert [i["title"] for i in widget(client, own["id"])["wireItems"]] == ["other"]


def test_text_item_added_to_code_connected_gallery_does_not_show(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    wid = editor_gallery(client)["gallery"]["id"]
    backend = api.create_gallery()
    assert connect_widget(client, wid, backend["id"]).status_code == 200
    text = api.create_item(backend["id"], make.text())
    image = api.create_item(backend["id"], make.image())
    shown = widget(client, wid)
    assert ids(shown["wireItems"]) == [image["id"]]  # later writes sync too (rule 2)
    assert shown["dropped"] == [
        {
            "itemId": text["id"],
            "reason": TEXT_ITEM,
            "description": shown["dropped"][0]["description"],
        }
    ]
    # The backend API itself still stores and returns the text item
    # (docs/behaviour.md §6.8).
    listed = api.get(f"galleries/{backend['id']}/items").json["items"]  # type: ignore[index]
    assert ids(listed) == [text["id"], image["id"]]


def test_connect_null_shows_the_widget_gallery_again(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    own = editor_gallery(client, items=[make.text()])["gallery"]
    backend = api.create_gallery(items=[make.image()])
    assert connect_widget(client, own["id"], backend["id"]).status_code == 200
    response = connect_widget(client, own["id"], None)
    assert response.status_code == 200
    shown = response.json
    assert shown is not None
    assert shown["source"] == "editor"
    assert shown["connectedGalleryId"] is None
    assert ids(shown["wireItems"]) == ids(own["items"])  # text shows on its own widget


def test_connect_unknown_widget_is_404(
    client: FlaskClient, api: Api, check_error: Check
) -> None:
    backend = api.create_gallery()
    error = check_error(
        connect_widget(client, backend["id"], backend["id"]), 404, "WIDGET_NOT_FOUND"
    )
    assert error["data"] == {"widgetId": backend["id"]}


def test_connect_unknown_gallery_is_404_and_changes_nothing(
    client: FlaskClient, check_error: Check
) -> None:
    wid = editor_gallery(client)["gallery"]["id"]
    missing = "00000000-0000-4000-8000-000000000000"
    check_error(connect_widget(client, wid, missing), 404, "GALLERY_NOT_FOUND")
    assert widget(client, wid)["source"] == "editor"


@pytest.mark.parametrize(
    ("payload", "rule"),
    [({"galleryId": "nope"}, "FORMAT"), ({}, "REQUIRED_FIELD")],
)
def test_connect_bad_body_is_400(
    client: FlaskClient, check_violation: Check, payload: dict[str, Any], rule: str
) -> None:
    wid = editor_gallery(client)["gallery"]["id"]
    response = client.post(
        f"/_fake/live/widgets/{wid}/connect",
        json=payload,
        headers={"wix-site-id": SITE},
    )
    check_violation(response, "galleryId", rule)


# --- rule 4: empty widget ----------------------------------------------------------


def test_delete_editor_gallery_widget_stays_empty(
    client: FlaskClient, api: Api, make: Builders, check_error: Check
) -> None:
    gid = editor_gallery(client, items=[make.image()])["gallery"]["id"]
    assert api.delete(f"galleries/{gid}").status_code == 200
    shown = widget(client, gid)
    assert shown["empty"] is True
    assert shown["wireItems"] == []
    assert live(client)["pages"][0]["widgets"] == [shown]
    listed = api.get("galleries").json  # type: ignore[union-attr]
    assert listed["totalGalleries"] == 0
    assert listed["galleries"] == []
    check_error(api.get(f"galleries/{gid}"), 404, "GALLERY_NOT_FOUND")


def test_connect_then_delete_widget_shows_empty(
    client: FlaskClient, api: Api, make: Builders, check_error: Check
) -> None:
    own = editor_gallery(client, items=[make.image()])["gallery"]
    backend = api.create_gallery(items=[make.image()])
    assert connect_widget(client, own["id"], backend["id"]).status_code == 200
    assert api.delete(f"galleries/{backend['id']}").status_code == 200
    shown = widget(client, own["id"])
    assert shown["empty"] is True
    assert shown["galleryId"] == backend["id"]
    assert shown["wireItems"] == []
    check_error(api.get(f"galleries/{backend['id']}"), 404, "GALLERY_NOT_FOUND")
    # The widget's own backend gallery is untouched.
    assert api.get(f"galleries/{own['id']}").status_code == 200


def test_empty_widget_reconnecting_fills_it(
    client: FlaskClient, api: Api, make: Builders
) -> None:
    gid = editor_gallery(client)["gallery"]["id"]
    assert api.delete(f"galleries/{gid}").status_code == 200
    backend = api.create_gallery(items=[make.image()])
    response = connect_widget(client, gid, backend["id"])
    assert response.status_code == 200
    assert response.json["empty"] is False  # type: ignore[index]
    assert ids(response.json["wireItems"]) == ids(backend["items"])  # type: ignore[index]


# --- rule 5: the Media Manager -------------------------------------------------------


def test_upload_returns_wix_media_id_and_size(client: FlaskClient) -> None:
    data = png(40, 30)
    response = upload(client, data, "red.png")
    assert response.status_code == 200, response.get_data(as_text=True)
    media = response.json
    assert media is not None
    assert MEDIA_ID.match(media["id"]), media["id"]
    assert media["id"].endswith("~mv2.png")
    assert (media["width"], media["height"]) == (40, 30)
    assert media["mimeType"] == "image/png"
    assert media["filename"] == "red.png"
    assert media["sizeInBytes"] == len(data)
    assert media["wixUrl"] == "https://static.wixstatic.com/media/" + media["id"]
    assert media["imageInfo"] == {
        "id": media["id"],
        "width": 40,
        "height": 30,
        "filename": "red.png",
    }


def test_upload_file_is_served_back_at_its_url(client: FlaskClient) -> None:
    data = jpeg()
    media = upload(client, data, "blue.jpg").json
    assert media is not None
    assert media["id"].endswith("~mv2.jpg")
    served = client.get(media["url"])  # no headers: an <img src> can use it
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.data == data
    assert "immutable" in served.headers["Cache-Control"]


def test_upload_one_owner_prefix_per_site(client: FlaskClient) -> None:
    first = upload(client, png()).json["id"]  # type: ignore[index]
    second = upload(client, jpeg()).json["id"]  # type: ignore[index]
    other = upload(client, png(), site=OTHER_SITE).json["id"]  # type: ignore[index]
    assert first[:6] == second[:6]
    assert first != second
    assert other[:6] != first[:6]


def test_upload_ids_follow_the_seed() -> None:
    def first_id() -> str:
        client = create_app({"TESTING": True, "SEED": 99}).test_client()
        media = upload(client, png()).json
        assert media is not None
        return str(media["id"])

    assert first_id() == first_id()


def test_upload_raw_image_body(client: FlaskClient) -> None:
    response = client.post(
        "/_fake/media?filename=raw.png",
        data=png(3, 5),
        content_type="image/png",
        headers={"wix-site-id": SITE},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert (response.json["width"], response.json["height"]) == (3, 5)  # type: ignore[index]
    assert response.json["filename"] == "raw.png"  # type: ignore[index]


def test_upload_non_image_is_400(client: FlaskClient, check_violation: Check) -> None:
    response = upload(client, b"just some text", "notes.txt")
    violation = check_violation(response, "file", "FORMAT")
    assert violation["data"]["type"] == "image"
    listed = client.get("/_fake/media", headers={"wix-site-id": SITE}).json
    assert listed == {"media": []}


def test_upload_missing_file_is_400(
    client: FlaskClient, check_violation: Check
) -> None:
    response = client.post("/_fake/media", data={"other": "x"})
    check_violation(response, "file", "REQUIRED_FIELD")


def test_upload_image_format_the_media_manager_refuses(
    client: FlaskClient, check_violation: Check
) -> None:
    buffer = BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PPM")
    response = upload(client, buffer.getvalue(), "x.ppm")
    violation = check_violation(response, "file", "FORMAT")
    assert "JPEG" in violation["data"]["formats"]


def test_media_listed_per_site(client: FlaskClient) -> None:
    mine = upload(client, png()).json["id"]  # type: ignore[index]
    upload(client, png(), site=OTHER_SITE)
    listed = client.get("/_fake/media", headers={"wix-site-id": SITE}).json
    assert [m["id"] for m in listed["media"]] == [mine]  # type: ignore[index]


def test_media_unknown_id_is_404(client: FlaskClient, check_error: Check) -> None:
    error = check_error(client.get("/_fake/media/nope~mv2.png"), 404, "MEDIA_NOT_FOUND")
    assert error["data"] == {"mediaId": "nope~mv2.png"}


def test_non_strict_mode_any_image_id_is_accepted(api: Api, make: Builders) -> None:
    gid = api.create_gallery()["id"]
    response = api.post(f"galleries/{gid}/items", {"item": make.image("unknown.jpg")})
    assert response.status_code == 200


class TestStrictMedia:
    @pytest.fixture
    def config(self) -> dict[str, Any]:
        return {"SEED": 7, "FROZEN_TIME": "2026-01-02T03:04:05Z", "STRICT_MEDIA": True}

    def test_unknown_image_is_400_naming_the_field(
        self, api: Api, make: Builders, check_violation: Check
    ) -> None:
        gid = api.create_gallery()["id"]
        response = api.post(f"galleries/{gid}/items", {"item": make.image("x.jpg")})
        violation = check_violation(
            response, "item.image.imageInfo.id", "NOT_IN_MEDIA_MANAGER"
        )
        assert violation["data"] == {"mediaId": "x.jpg"}
        items = api.get(f"galleries/{gid}/items").json["items"]  # type: ignore[index]
        assert items == []

    def test_uploaded_image_is_accepted(
        self, client: FlaskClient, api: Api, make: Builders
    ) -> None:
        media = upload(client, png(8, 6)).json
        assert media is not None
        gid = api.create_gallery()["id"]
        item = {"image": {"imageInfo": media["imageInfo"]}}
        response = api.post(f"galleries/{gid}/items", {"item": item})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.json["item"]["image"]["imageInfo"]["width"] == 8  # type: ignore[index]

    def test_create_gallery_names_the_item_index(
        self, client: FlaskClient, api: Api, make: Builders, check_violation: Check
    ) -> None:
        known = upload(client, png()).json["id"]  # type: ignore[index]
        body = {"gallery": {"items": [make.image(known), make.image("nope.png")]}}
        response = api.post("galleries", body)
        check_violation(
            response, "gallery.items[1].image.imageInfo.id", "NOT_IN_MEDIA_MANAGER"
        )
        assert api.get("galleries").json["totalGalleries"] == 0  # type: ignore[index]

    def test_update_gallery_and_update_item_are_checked(
        self, client: FlaskClient, api: Api, make: Builders, check_violation: Check
    ) -> None:
        known = upload(client, png()).json["id"]  # type: ignore[index]
        gallery = api.create_gallery(items=[make.image(known)])
        item_id = gallery["items"][0]["id"]
        patch = {"gallery": {"id": gallery["id"], "items": [make.image("n.png")]}}
        check_violation(
            api.patch(f"galleries/{gallery['id']}", patch),
            "gallery.items[0].image.imageInfo.id",
            "NOT_IN_MEDIA_MANAGER",
        )
        item_patch = {"item": {"secondaryMedia": make.image("s.png")}}
        check_violation(
            api.patch(f"galleries/{gallery['id']}/items/{item_id}", item_patch),
            "item.secondaryMedia.image.imageInfo.id",
            "NOT_IN_MEDIA_MANAGER",
        )
        title_only = {"item": {"title": "no image in this patch"}}
        response = api.patch(f"galleries/{gallery['id']}/items/{item_id}", title_only)
        assert response.status_code == 200

    def test_editor_gallery_is_checked(
        self, client: FlaskClient, make: Builders, check_violation: Check
    ) -> None:
        response = client.post(
            "/_fake/editor/galleries",
            json={"gallery": {"items": [make.image("n.png")]}},
            headers={"wix-site-id": SITE},
        )
        check_violation(
            response, "gallery.items[0].image.imageInfo.id", "NOT_IN_MEDIA_MANAGER"
        )
        assert live(client)["pages"] == []

    def test_fixture_images_count_as_uploaded(
        self, fake: FakeGallery, api: Api, make: Builders
    ) -> None:
        data = validate(
            {
                "galleries": [{"items": [make.image("fixture.jpg")]}],
                "media": [{"id": "declared.png", "width": 1, "height": 2}],
            },
            "inline",
        )
        load_data(fake, data, "inline", SITE)
        gid = api.create_gallery()["id"]
        for media_id in ("fixture.jpg", "declared.png"):
            response = api.post(
                f"galleries/{gid}/items", {"item": make.image(media_id)}
            )
            assert response.status_code == 200, response.get_data(as_text=True)


# --- rule 6: publishing -------------------------------------------------------


def test_unpublished_site_every_api_call_is_428(
    client: FlaskClient, api: Api, make: Builders, check_error: Check
) -> None:
    gid = api.create_gallery()["id"]
    response = client.post("/_fake/site/unpublish", headers={"wix-site-id": SITE})
    assert response.json == {"siteId": SITE, "published": False}
    error = check_error(api.get("galleries"), 428, "SITE_NOT_PUBLISHED")
    assert error["data"] == {"siteId": SITE}
    check_error(api.get(f"galleries/{gid}"), 428, "SITE_NOT_PUBLISHED")
    check_error(api.post("galleries", {}), 428, "SITE_NOT_PUBLISHED")
    check_error(api.delete(f"galleries/{gid}"), 428, "SITE_NOT_PUBLISHED")
    other = api.get("galleries", headers={"wix-site-id": OTHER_SITE})
    assert other.status_code == 200  # only that site
    assert live(client)["published"] is False
    client.post(f"/_fake/site/publish?siteId={SITE}")
    assert api.get(f"galleries/{gid}").status_code == 200  # nothing was lost


def test_unpublished_site_write_left_the_store_unchanged(
    client: FlaskClient, api: Api, fake: FakeGallery
) -> None:
    client.post("/_fake/site/unpublish", headers={"wix-site-id": SITE})
    assert api.post("galleries", {"gallery": {"name": "x"}}).status_code == 428
    assert fake.store.list_galleries(SITE) == []


def test_sites_are_published_by_default(client: FlaskClient) -> None:
    assert live(client)["published"] is True


def test_unpublished_site_from_a_fixture(tmp_path: Path, check_error: Check) -> None:
    path = tmp_path / "draft.json"
    path.write_bytes(
        orjson.dumps({"siteId": SITE, "published": False, "galleries": []})
    )
    app = create_app({"TESTING": True, "FIXTURES": [str(path)]})
    response = app.test_client().get(
        "/pro-gallery/v2/galleries", headers={"Authorization": "k", "wix-site-id": SITE}
    )
    check_error(response, 428, "SITE_NOT_PUBLISHED")


# --- rule 7: who may write, and elevate() --------------------------------------------


class TestPermissions:
    @pytest.fixture
    def config(self) -> dict[str, Any]:
        return {
            "SEED": 3,
            "AUTH": "strict",
            "API_KEYS": {
                "reader": {"permissions": [READ]},
                "test-key": {"permissions": ["PRO_GALLERY.MANAGE"]},
            },
        }

    @pytest.fixture
    def reader(self, api: Api) -> Api:
        """The `api` client's kind, calling with the read-only key."""
        return type(api)(api.client, {"Authorization": "reader", "wix-site-id": SITE})

    def test_read_only_key_can_read_not_write(
        self, reader: Api, check_error: Check
    ) -> None:
        assert reader.get("galleries").status_code == 200
        error = check_error(reader.post("galleries", {}), 403, "PERMISSION_DENIED")
        assert error["data"] == {"permission": "PRO_GALLERY.MANAGE"}

    def test_elevate_lets_one_call_write(
        self, reader: Api, api: Api, make: Builders, check_error: Check
    ) -> None:
        response = reader.post(
            "galleries",
            {"gallery": {"items": [make.image()]}},
            headers={"X-Fake-Elevate": "true"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        gid = response.json["gallery"]["id"]  # type: ignore[index]
        assert api.get(f"galleries/{gid}").status_code == 200
        # the next call without the header is read-only again
        check_error(reader.delete(f"galleries/{gid}"), 403, "PERMISSION_DENIED")

    def test_elevate_does_not_bypass_authentication(
        self, client: FlaskClient, check_error: Check
    ) -> None:
        response = client.post(
            "/pro-gallery/v2/galleries", json={}, headers={"X-Fake-Elevate": "true"}
        )
        check_error(response, 401, "UNAUTHENTICATED")

    def test_elevate_does_not_bypass_publishing(
        self, client: FlaskClient, reader: Api, check_error: Check
    ) -> None:
        client.post("/_fake/site/unpublish", headers={"wix-site-id": SITE})
        response = reader.post("galleries", {}, headers={"X-Fake-Elevate": "true"})
        check_error(response, 428, "SITE_NOT_PUBLISHED")


class TestElevateDisabled:
    @pytest.fixture
    def config(self) -> dict[str, Any]:
        return {
            "ALLOW_ELEVATE": False,
            "API_KEYS": {"reader": {"permissions": [READ]}},
        }

    def test_header_is_refused(self, api: Api, check_error: Check) -> None:
        reader = type(api)(api.client, {"Authorization": "reader", "wix-site-id": SITE})
        response = reader.post("galleries", {}, headers={"X-Fake-Elevate": "true"})
        error = check_error(response, 403, "PERMISSION_DENIED")
        assert "ALLOW_ELEVATE" in error["description"]


def test_allow_elevate_must_be_a_boolean() -> None:
    with pytest.raises(ValueError, match="ALLOW_ELEVATE"):
        create_app({"ALLOW_ELEVATE": "maybe"})


# --- fixtures ------------------------------------------------------------------------

EDITOR_ID = "e0000000-0000-4000-8000-000000000001"
BACKEND_ID = "b0000000-0000-4000-8000-000000000002"
GONE_ID = "d0000000-0000-4000-8000-000000000003"


def live_fixture() -> dict[str, Any]:
    image = {"imageInfo": {"id": "f.jpg", "width": 4, "height": 3}}
    return {
        "siteId": SITE,
        "galleries": [
            {
                "id": EDITOR_ID,
                "origin": "editor",
                "page": "about",
                "items": [{"title": "own", "image": image}],
            },
            {
                "id": BACKEND_ID,
                "origin": "backend",
                "items": [{"title": "b", "image": image}, {"text": {"html": "t"}}],
            },
        ],
        "media": [{"id": "m.png", "width": 10, "height": 20, "mimeType": "image/png"}],
        "pages": [
            {
                "name": "members",
                "widgets": [
                    {"id": GONE_ID},
                    {
                        "id": "c0000000-0000-4000-8000-000000000004",
                        "connectedGalleryId": BACKEND_ID,
                    },
                ],
            }
        ],
    }


def test_fixture_origin_pages_and_media(tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    path.write_bytes(orjson.dumps(live_fixture()))
    app = create_app({"TESTING": True, "FIXTURES": [str(path)]})
    fake = get_fake(app)
    site = fake.site.live_view(SITE)
    pages = {p["name"]: p["widgets"] for p in site["pages"]}
    assert list(pages) == ["about", "members"]
    assert [i["title"] for i in pages["about"][0]["wireItems"]] == ["own"]
    gone, connected = pages["members"]
    assert (gone["id"], gone["empty"]) == (GONE_ID, True)
    assert connected["source"] == "code"
    assert [i["title"] for i in connected["wireItems"]] == ["b"]
    assert [d["reason"] for d in connected["dropped"]] == [TEXT_ITEM]
    assert {m.id for m in fake.media.list(SITE)} == {"f.jpg", "m.png"}
    assert fake.live.is_published(SITE) is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["galleries"][0].update(origin="page"), "galleries[0].origin"),
        (
            lambda d: d["pages"][0]["widgets"][0].update(id="w1"),
            "pages[0].widgets[0].id",
        ),
        (lambda d: d.update(published="no"), "published"),
        (lambda d: d["media"][0].pop("width"), "media[0].width"),
    ],
)
def test_fixture_bad_live_keys_name_the_field(
    change: Callable[[dict[str, Any]], Any], field: str
) -> None:
    data = live_fixture()
    change(data)
    with pytest.raises(FixtureError, match=re.escape(field)):
        validate(data, "site.json")


# --- the Python API, reset, immutability and threads -------------------------------


def test_python_api_same_walkthrough_as_the_readme(
    fake: FakeGallery, api: Api, make: Builders
) -> None:
    editor = fake.site.add_editor_gallery(SITE, {"name": "Editor"}, page="home")
    wid = editor["widget"]["id"]
    backend = api.create_gallery(name="Backend", items=[make.image()])
    shown = fake.site.connect(SITE, wid, backend["id"])
    assert ids(shown["wireItems"]) == ids(backend["items"])
    assert api.delete(f"galleries/{backend['id']}").status_code == 200
    assert fake.site.widget_view(SITE, wid)["empty"] is True
    assert fake.site.live_view(SITE)["pages"][0]["widgets"][0]["empty"] is True


def test_python_api_upload_media(fake: FakeGallery, check_violation: Check) -> None:
    media = fake.site.upload_media(SITE, png(5, 7), "p.png")
    assert (media.width, media.height, media.mime_type) == (5, 7, "image/png")
    assert fake.media.list(SITE) == (media,)


def test_live_view_returns_a_fresh_copy(fake: FakeGallery, make: Builders) -> None:
    fake.site.add_editor_gallery(SITE, {"items": [make.image(title="a")]})
    first = fake.site.live_view(SITE)
    first["pages"][0]["widgets"][0]["wireItems"][0]["title"] = "changed"
    first["pages"].clear()
    again = fake.site.live_view(SITE)
    assert again["pages"][0]["widgets"][0]["wireItems"][0]["title"] == "a"


def test_reset_forgets_widgets_media_and_publishing(
    client: FlaskClient, fake: FakeGallery
) -> None:
    editor_gallery(client)
    upload(client, png())
    client.post("/_fake/site/unpublish", headers={"wix-site-id": SITE})
    assert client.post("/_fake/reset").status_code == 200
    assert live(client) == {"siteId": SITE, "published": True, "pages": []}
    assert fake.media.list(SITE) == ()


def test_widget_unknown_id_is_404(client: FlaskClient, check_error: Check) -> None:
    response = client.get("/_fake/live/widgets/e0000000-0000-4000-8000-00000000000f")
    check_error(response, 404, "WIDGET_NOT_FOUND")


def test_concurrent_editor_galleries_and_views(
    fake: FakeGallery, make: Builders
) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                fake.site.add_editor_gallery(
                    SITE, {"items": [make.image(), make.text()]}
                )
                view = fake.site.live_view(SITE)
                for shown in view["pages"][0]["widgets"]:
                    assert len(shown["wireItems"]) == 2
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(fake.live.widgets(SITE)) == 40
    assert len(fake.store.list_galleries(SITE)) == 40
