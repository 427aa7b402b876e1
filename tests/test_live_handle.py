"""The live site through the pytest plugin's `fakegallery` handle: the README's
walkthrough (Editor gallery, backend gallery, connect, delete, empty widget)."""

from __future__ import annotations

from io import BytesIO

from PIL import Image


def _widget(site, widget_id):
    widgets = [w for page in site.live()["pages"] for w in page["widgets"]]
    return next(w for w in widgets if w["id"] == widget_id)


def test_editor_gallery_connect_delete_shows_empty_widget(fakegallery):
    editor = fakegallery.add_editor_gallery({"name": "Home gallery"})
    widget_id = editor["widget"]["id"]
    assert widget_id == editor["gallery"]["id"]

    backend = fakegallery.client.post(
        f"{fakegallery.api_url}/galleries",
        json={
            "gallery": {
                "name": "Members",
                "items": [
                    {
                        "title": "pic",
                        "image": {
                            "imageInfo": {"id": "m.jpg", "width": 2, "height": 1}
                        },
                    },
                    {"title": "note", "text": {"html": "<p>text</p>"}},
                ],
            }
        },
    ).json()["gallery"]
    listed = fakegallery.live()
    assert all(
        w["galleryId"] != backend["id"] for p in listed["pages"] for w in p["widgets"]
    )

    fakegallery.connect(widget_id, backend["id"])
    shown = _widget(fakegallery, widget_id)
    assert [i["title"] for i in shown["wireItems"]] == ["pic"]
    assert [d["reason"] for d in shown["dropped"]] == ["TEXT_ITEM"]

    fakegallery.client.delete(f"{fakegallery.api_url}/galleries/{backend['id']}")
    gone = _widget(fakegallery, widget_id)
    assert gone["empty"] is True
    assert gone["wireItems"] == []


def test_unpublished_site_refuses_the_api(fakegallery):
    fakegallery.publish(False)
    response = fakegallery.client.get(f"{fakegallery.api_url}/galleries")
    assert response.status_code == 428
    assert (
        response.json()["details"]["applicationError"]["code"] == "SITE_NOT_PUBLISHED"
    )
    fakegallery.publish()
    assert fakegallery.client.get(f"{fakegallery.api_url}/galleries").status_code == 200


def test_uploaded_media_is_served_back(fakegallery):
    buffer = BytesIO()
    Image.new("RGB", (3, 2), "red").save(buffer, format="PNG")
    media = fakegallery.upload_media(buffer.getvalue(), "red.png")
    assert (media["width"], media["height"]) == (3, 2)
    served = fakegallery.client.get(media["url"], timeout=5)
    assert served.status_code == 200
    assert served.content == buffer.getvalue()
