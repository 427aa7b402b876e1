"""The $w.Gallery conversion (docs/behaviour.md §9, docs/live-site.md rule 3):
backend items → the gallery element's ImageItem / VideoItem, checked against
the shapes of the Velo `$w.Gallery` reference; the live view shows them."""

from __future__ import annotations

import jsonschema_rs
import pytest

import fakegallery
from fakegallery.live.wgallery import (
    LINK_TEXT,
    NO_MEDIA,
    TEXT_ITEM,
    Unconvertible,
    to_w_gallery_item,
    to_w_gallery_items,
    wix_image_url,
    wix_video_url,
)

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
IMAGE_ID = "11062b_12703ed9a6574547bcaed22b1ce44eef~mv2.jpeg"
VIDEO_ID = "11062b_7c7b1a8e2b7b4c2f8f0c7b6a1e2d3c4b"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def _item_schema(kind: str, extra: dict[str, object]) -> jsonschema_rs.Validator:
    """The documented `$w.Gallery` ImageItem / VideoItem: `type` and `src`
    required, `slug`, `description`, `title`, `link` optional strings (a
    VideoItem may also have `thumbnail`); nothing else."""
    text = {"type": "string"}
    return jsonschema_rs.validator_for(
        {
            "type": "object",
            "required": ["type", "src"],
            "additionalProperties": False,
            "properties": {
                "type": {"const": kind},
                "slug": text,
                "src": {"type": "string", "minLength": 1},
                "description": text,
                "title": text,
                "link": text,
                **extra,
            },
        }
    )


IMAGE_ITEM = _item_schema("image", {})
VIDEO_ITEM = _item_schema("video", {"thumbnail": {"type": "string"}})


def image_item(**extra):
    info = {"id": IMAGE_ID, "url": "x", "height": 4298, "width": 6446}
    info |= extra.pop("info", {})
    return {"id": "i1", "type": "IMAGE", "image": {"imageInfo": info}, **extra}


# --- the strings page code gets as `src` (the SDK transforms, §6.6, §6.7) ----------


def test_image_src_is_the_sdk_wix_image_string():
    named = {"id": IMAGE_ID, "width": 6446, "height": 4298, "filename": "sunset.jpeg"}
    assert wix_image_url(named) == (
        f"wix:image://v1/{IMAGE_ID}/sunset.jpeg#originWidth=6446&originHeight=4298"
    )
    spaced = {**named, "filename": "link target.png"}
    assert "/link%20target.png#" in wix_image_url(spaced)
    alt_only = {"id": IMAGE_ID, "width": 1, "height": 2, "altText": "a(b)!"}
    assert f"{IMAGE_ID}/a(b)!#" in wix_image_url(alt_only)  # encodeURIComponent
    bare = {"id": IMAGE_ID, "width": 800, "height": 600}
    assert wix_image_url(bare) == (
        f"wix:image://v1/{IMAGE_ID}#originWidth=800&originHeight=600"
    )


def test_video_src_is_the_wix_video_string_or_the_external_url():
    posters = [
        {"id": "first.jpg", "width": 10, "height": 20},
        {"id": "second.jpg", "width": 1920, "height": 1080},
    ]
    info = {"id": VIDEO_ID, "filename": "clip.mp4", "posters": posters}
    assert wix_video_url(info) == (
        f"wix:video://v1/{VIDEO_ID}/clip.mp4"
        "#posterUri=second.jpg&posterWidth=1920&posterHeight=1080"
    )
    one = {**info, "posters": [{"url": "https://static.wixstatic.com/media/p.jpg"}]}
    assert "#posterUri=p.jpg&posterWidth=0&posterHeight=0" in wix_video_url(one)
    assert wix_video_url({"id": "", "url": YOUTUBE}) == YOUTUBE


# --- the conversion, against the documented shapes ----------------------------------


def test_image_item_becomes_a_documented_image_item():
    item = image_item(
        title="Sunset",
        description="Over the bay",
        link={"url": "https://example.com/a", "target": "_blank"},
        info={"filename": "sunset.jpeg"},
    )
    converted = to_w_gallery_item(item)
    assert converted == {
        "type": "image",
        "slug": "i1",
        "src": f"wix:image://v1/{IMAGE_ID}/sunset.jpeg#originWidth=6446&originHeight=4298",
        "description": "Over the bay",
        "title": "Sunset",
        "link": "https://example.com/a",
    }
    assert list(converted) == ["type", "slug", "src", "description", "title", "link"]
    IMAGE_ITEM.validate(converted)


def test_video_items_become_documented_video_items():
    youtube = {"id": "v1", "video": {"videoInfo": {"id": "", "url": YOUTUBE}}}
    converted = to_w_gallery_item(youtube)
    assert converted == {"type": "video", "slug": "v1", "src": YOUTUBE}
    VIDEO_ITEM.validate(converted)
    wix = {
        "id": "v2",
        "title": "Clip",
        "video": {"videoInfo": {"id": VIDEO_ID, "filename": "clip.mp4"}},
    }
    converted = to_w_gallery_item(wix)
    assert converted["src"] == f"wix:video://v1/{VIDEO_ID}/clip.mp4"
    VIDEO_ITEM.validate(converted)


def test_sdk_shaped_items_convert_the_same_way():
    """Velo/SDK items carry `_id` and `wix:` strings: used as they are."""
    src = f"wix:image://v1/{IMAGE_ID}/a.jpg#originWidth=1&originHeight=2"
    sdk = {"_id": "i9", "type": "IMAGE", "image": {"imageInfo": src}, "title": "t"}
    assert to_w_gallery_item(sdk) == {
        "type": "image",
        "slug": "i9",
        "src": src,
        "title": "t",
    }


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"id": "t", "type": "TEXT", "text": {"html": "<p>x</p>"}}, TEXT_ITEM),
        (image_item(link={"url": "https://e.test", "text": "read more"}), LINK_TEXT),
        ({"id": "u", "type": "UNDEFINED"}, NO_MEDIA),
    ],
    ids=["text", "link-text", "no-media"],
)
def test_unconvertible_items_raise_with_the_reason(item, reason):
    with pytest.raises(Unconvertible) as caught:
        to_w_gallery_item(item)
    assert caught.value.reason == reason
    assert caught.value.item_id == item["id"]


def test_to_w_gallery_items_keeps_order_and_lists_what_it_dropped():
    items = [
        image_item(id="a"),
        {"id": "b", "type": "TEXT", "text": {"html": "x"}},
        image_item(id="c", link={"url": "https://e.test"}),  # a link without text
    ]
    result = fakegallery.to_w_gallery_items(items)
    assert [i["slug"] for i in result.items] == ["a", "c"]
    assert result.items[1]["link"] == "https://e.test"
    assert result.dropped == [
        {
            "itemId": "b",
            "reason": TEXT_ITEM,
            "description": "text items cannot be converted to $w.Gallery items",
        }
    ]


def test_tutorial_conversion_matches_but_for_the_type_spelling(api, make):
    """The tutorial's convertToFrontend copies the backend `type` ("IMAGE");
    the $w reference spells it "image". Everything else is the same."""
    gallery = api.create_gallery(items=[make.image(title="t", description="d")])
    [item] = gallery["items"]
    tutorial = {
        "slug": item["id"],
        "type": item["type"],
        "src": wix_image_url(item["image"]["imageInfo"]),
        "description": item["description"],
        "title": item["title"],
    }
    ours = to_w_gallery_item(item)
    assert {**tutorial, "type": "image"} == ours


# --- the live view shows the $w shape, the wire shape alongside -----------------------


def test_code_connected_widget_shows_w_gallery_items(fake, api, make):
    own = fake.site.add_editor_gallery(SITE, {"items": [make.image()]})
    widget_id = own["widget"]["id"]
    backend = api.create_gallery(
        items=[make.image(title="pic"), make.text(), make.youtube(title="vid")]
    )
    shown = fake.site.connect(SITE, widget_id, backend["id"])
    assert [i["type"] for i in shown["items"]] == ["image", "video"]
    assert [i["slug"] for i in shown["items"]] == [
        backend["items"][0]["id"],
        backend["items"][2]["id"],
    ]
    for entry in shown["items"]:
        (IMAGE_ITEM if entry["type"] == "image" else VIDEO_ITEM).validate(entry)
    assert [i["id"] for i in shown["wireItems"]] == [i["slug"] for i in shown["items"]]
    assert shown["wireItems"][0] == backend["items"][0]
    assert [d["reason"] for d in shown["dropped"]] == [TEXT_ITEM]
    assert shown["items"] == to_w_gallery_items(shown["wireItems"]).items


def test_editor_widget_shows_text_items_but_w_gallery_cannot_hold_them(fake, make):
    added = fake.site.add_editor_gallery(SITE, {"items": [make.image(), make.text()]})
    view = fake.site.widget_view(SITE, added["widget"]["id"])
    assert [i["type"] for i in view["wireItems"]] == ["IMAGE", "TEXT"]
    assert [i["type"] for i in view["items"]] == ["image"]
    assert view["dropped"] == []
    # an Editor image names its file after its media id (docs/behaviour.md §8.7)
    media_id = view["wireItems"][0]["image"]["imageInfo"]["id"]
    assert view["items"][0]["src"].startswith(f"wix:image://v1/{media_id}/{media_id}#")
