"""The parity scenarios: short call sequences, each recorded as a snapshot
(snapshots/<name>.json) and runnable against the fake or real Wix.

A scenario names the operations it covers (the operations table's ids) and
the behaviour it pins down; its snapshot says where the expected answers come
from. These are the markers docs/parity.md is generated from.
"""

from __future__ import annotations

from .scenario import SCENARIOS as SCENARIOS
from .scenario import Run, add_item, new_gallery, scenario

# Inputs taken from Wix's own samples (docs/behaviour.md §4.3, §8.7).
SAMPLE_IMAGE_ID = "11062b_12703ed9a6574547bcaed22b1ce44eef~mv2.jpeg"
SAMPLE_YOUTUBE = "https://www.youtube.com/watch?v=NCtzkaL2t_Y&ab_channel=TheBeatlesVEVO"
VIMEO = "https://vimeo.com/76979871"
VIDEO_ID = "11062b_7c7b1a8e2b7b4c2f8f0c7b6a1e2d3c4b"
UNKNOWN_GUID = "0c0c0c0c-0000-4000-8000-000000000000"
CLASSIC_GALLERY = "5d0e7a21-94c3-4b6f-8e2a-1f3c5b7d9e01"


# --- the scenarios --------------------------------------------------------------


@scenario(
    "create-gallery",
    ("createGallery", "getGallery"),
    "a new named gallery: shape, key order, no updatedDate, empty items",
    divergences=(
        "an API-made gallery gets a default `sortOrder` (older docs; Editor "
        "galleries have none): unverified (behaviour.md §6.1)",
    ),
)
def _create_gallery(run: Run) -> None:
    gallery_id = new_gallery(run, "parity plain")
    run.call("get-gallery", "GET", f"/galleries/{gallery_id}")


@scenario(
    "image-item",
    ("createGalleryItem",),
    "an image item: derived type, image.type, imageInfo.url from the id, "
    "altText/filename kept, key order",
    divergences=(
        'the SDK\'s literal `"undefined"` altText/filename is stored as absent '
        "(`DROP_UNDEFINED_STRINGS`); Wix may keep it (behaviour.md §6.6)",
        "an API-made item keeps the `filename` the client sent, none if none; "
        "Wix's sample API-made item has one equal to its id (behaviour.md §8.7)",
    ),
)
def _image_item(run: Run) -> None:
    gallery_id = new_gallery(run)
    info = {
        "id": SAMPLE_IMAGE_ID,
        "height": 4298,
        "width": 6446,
        "altText": "Some Alt",
        "filename": SAMPLE_IMAGE_ID,
    }
    item = {
        "title": "Some Title",
        "description": "Some Description",
        "image": {"imageInfo": info},
        "tags": {"values": ["image"]},
    }
    add_item(run, gallery_id, item)


@scenario(
    "youtube-item",
    ("createGalleryItem",),
    "a YouTube item: one `Youtube` resolution and one Wix-hosted 1280×720 "
    "poster with explicit nulls; empty videoInfo.id",
    divergences=(
        "the poster's media id is a hash of the video URL (behaviour.md §4.4); "
        "Wix hosts a real frame under its own id, so the fake's poster `url` "
        "serves no picture",
    ),
)
def _youtube_item(run: Run) -> None:
    gallery_id = new_gallery(run)
    item = {
        "title": "Video",
        "description": "Video description",
        "video": {"videoInfo": {"url": SAMPLE_YOUTUBE}},
    }
    add_item(run, gallery_id, item)


@scenario(
    "vimeo-item",
    ("createGalleryItem",),
    "a Vimeo item: type VIMEO, one resolution and one Wix-hosted poster",
    divergences=("the resolution format `Vimeo` is inferred from YouTube's `Youtube`",),
)
def _vimeo_item(run: Run) -> None:
    add_item(run, new_gallery(run), {"video": {"videoInfo": {"url": VIMEO}}})


@scenario(
    "wix-video-item",
    ("createGalleryItem",),
    "a Wix-hosted video as the SDK sends it (id, filename, one poster)",
    divergences=(
        "no resolutions are made up for a Wix-hosted video, and its posters "
        "carry explicit nulls like the YouTube poster: unverified (§4.4)",
    ),
)
def _wix_video_item(run: Run) -> None:
    poster = {"id": f"{VIDEO_ID}f000.jpg", "height": 1080, "width": 1920}
    video = {
        "type": "WIX_MEDIA",
        "durationInMillis": 5000,
        "videoInfo": {"id": VIDEO_ID, "filename": "clip.mp4", "posters": [poster]},
    }
    add_item(run, new_gallery(run), {"video": video})


@scenario(
    "text-item",
    ("createGalleryItem",),
    "a text item: html and free-form css echoed",
)
def _text_item(run: Run) -> None:
    css = {"backgroundColor": "#ffffff", "textVerticalAlignment": "middle"}
    add_item(run, new_gallery(run), {"text": {"html": "<p>Hello</p>", "css": css}})


@scenario(
    "list-galleries",
    ("listGalleries",),
    "listing: totalGalleries, oldest first, itemLimit per gallery, offset",
    divergences=("oldest first by `createdDate` is inferred (behaviour.md §5.1)",),
)
def _list_galleries(run: Run) -> None:
    for n in range(3):
        text = {"text": {"html": f"<p>{n}</p>"}}
        body = {"gallery": {"name": f"parity list {n}", "items": [text, text]}}
        run.call(f"create-{n}", "POST", "/galleries", body)
    run.call("list", "GET", "/galleries", params={"itemLimit": 1})
    run.call("list-offset", "GET", "/galleries", params={"offset": 2, "limit": 5})


@scenario(
    "paging-items",
    ("getGallery", "listGalleryItems"),
    "itemOffset/itemLimit cut the items; totalItems stays the full count",
    divergences=(
        "the largest `itemLimit` is 200 (SDK annotations); Wix's docs say 100 "
        "(`MAX_ITEM_LIMIT`, behaviour.md §5.2)",
    ),
)
def _paging(run: Run) -> None:
    items = [{"title": f"t{n}", "text": {"html": f"<p>{n}</p>"}} for n in range(4)]
    body = run.call("create", "POST", "/galleries", {"gallery": {"items": items}})
    gallery_id = body["gallery"]["id"]
    page = {"itemOffset": 1, "itemLimit": 2}
    run.call("get-page", "GET", f"/galleries/{gallery_id}", params=page)
    run.call("list-page", "GET", f"/galleries/{gallery_id}/items", params=page)


@scenario(
    "update-item",
    ("updateGalleryItem", "getGalleryItem"),
    "a partial update changes only the sent field and returns the whole item",
)
def _update_item(run: Run) -> None:
    gallery_id = new_gallery(run)
    item = {
        "title": "before",
        "description": "kept",
        "image": {"imageInfo": {"id": SAMPLE_IMAGE_ID, "height": 10, "width": 20}},
    }
    item_id = add_item(run, gallery_id, item)["item"]["id"]
    path = f"/galleries/{gallery_id}/items/{item_id}"
    run.call("update", "PATCH", path, {"item": {"id": item_id, "title": "after"}})
    run.call("get-item", "GET", path)


@scenario(
    "delete-items",
    ("bulkDeleteGalleryItems", "deleteGalleryItem", "deleteGallery", "getGallery"),
    "deletes answer the ids; a deleted gallery is gone (404)",
    divergences=(
        "unknown ids in a bulk delete are ignored and a deleted gallery is a "
        "404: both inferred (behaviour.md §5.7, §5.9)",
    ),
)
def _deletes(run: Run) -> None:
    items = [{"text": {"html": f"<p>{n}</p>"}} for n in range(3)]
    body = run.call("create", "POST", "/galleries", {"gallery": {"items": items}})
    gallery_id = body["gallery"]["id"]
    ids = [i["id"] for i in body["gallery"]["items"]]
    path = f"/galleries/{gallery_id}/items"
    run.call("bulk-delete", "POST", f"{path}/delete", {"itemIds": ids[:2]})
    run.call("delete-item", "DELETE", f"{path}/{ids[2]}")
    run.call("delete-gallery", "DELETE", f"/galleries/{gallery_id}")
    run.call("get-deleted", "GET", f"/galleries/{gallery_id}")


@scenario(
    "update-gallery",
    ("updateGallery", "deleteGalleryItems"),
    "updateGallery renames and merges `items` (an id updates, no id creates); "
    "the deprecated delete answers the gallery",
    divergences=(
        "how `items` merge in updateGallery, and unknown ids in the deprecated "
        "delete, are inferred (behaviour.md §5.6, §5.8)",
    ),
)
def _update_gallery(run: Run) -> None:
    items = [{"title": "first", "text": {"html": "<p>1</p>"}}]
    body = run.call("create", "POST", "/galleries", {"gallery": {"items": items}})
    gallery_id = body["gallery"]["id"]
    first = body["gallery"]["items"][0]["id"]
    patch = {
        "id": gallery_id,
        "name": "renamed",
        "items": [{"id": first, "title": "edited"}, {"text": {"html": "<p>2</p>"}}],
    }
    run.call("update", "PATCH", f"/galleries/{gallery_id}", {"gallery": patch})
    query = {"itemsIds": [first, UNKNOWN_GUID]}
    run.call("delete-items", "DELETE", f"/galleries/{gallery_id}/items", params=query)


@scenario(
    "errors",
    ("getGallery", "createGalleryItem"),
    "error bodies: unknown gallery, out-of-range quality, unknown enum value",
    divergences=(
        "the application error codes (`GALLERY_NOT_FOUND`, …), the `violatedRule` "
        "names and the messages are the fake's (behaviour.md §7.1)",
        "an unknown enum name is a 400 on every enum field, and numeric enum "
        "values are refused: inferred from protobuf JSON parsing (§4.2)",
    ),
)
def _errors(run: Run) -> None:
    run.call("unknown-gallery", "GET", f"/galleries/{UNKNOWN_GUID}")
    gallery_id = new_gallery(run)
    info = {"id": SAMPLE_IMAGE_ID, "height": 1, "width": 1}
    bad = {"image": {"imageInfo": info, "quality": 101}}
    add_item(run, gallery_id, bad, "quality-101")
    add_item(run, gallery_id, {"type": "PICTURE", "image": {"imageInfo": info}}, "enum")


@scenario(
    "editor-gallery",
    ("getGallery",),
    "an Editor-made Classic gallery: no name/sortOrder, filename = media id, "
    "key order of the captured answer",
    fake_only=True,
    mask_all_media_ids=True,
)
def _editor_gallery(run: Run) -> None:
    from ..seeding import fixtures

    assert run.target.fake is not None
    fixtures.load(run.target.fake, ["classic-slideshow"], site_id=run.target.site_id)
    run.call("get-gallery", "GET", f"/galleries/{CLASSIC_GALLERY}")


@scenario(
    "item-created-event",
    ("createGalleryItem",),
    "the Gallery Item Created domain event (the webhook payload's `data`)",
    fake_only=True,
    divergences=(
        "`entityFqdn` follows the SDK and Wix's sample; doc prose spells "
        "`wix.pro_gallery.gallery_v2` (`EVENT_ENTITY_FQDN`, behaviour.md §8.1)",
    ),
)
def _item_event(run: Run) -> None:
    gallery_id = new_gallery(run)
    info = {"id": SAMPLE_IMAGE_ID, "height": 4298, "width": 6446}
    item = {
        "title": "Some Title",
        "description": "Some Description",
        "image": {"imageInfo": info, "focalPoint": {"x": 0.5, "y": 0.5}},
    }
    add_item(run, gallery_id, item)
    records = run.call(
        "events", "GET", "/_fake/events", params={"siteId": run.target.site_id}
    )
    run.exchanges["events"].body = records["events"][-1]["domainEvent"]
