"""Items: create per media kind, derived fields, validation, sortOrder rules,
partial update, get/list, and the three deletes."""

from __future__ import annotations

import pytest

UNKNOWN = "0c0c0c0c-0000-4000-8000-000000000000"
MEDIA = "https://static.wixstatic.com/media/"


@pytest.fixture
def gallery(api):
    return api.create_gallery(name="items")


@pytest.fixture
def items_path(gallery):
    return f"galleries/{gallery['id']}/items"


# --- create: shapes and derived fields (docs/behaviour.md §4, §6.6–§6.9) --------------


def test_create_image_item_derives_read_only_fields(api, gallery):
    item = api.create_item(
        gallery["id"],
        {
            "title": "Sunset",
            "tags": {"values": ["sun"]},
            "image": {
                "type": "EXTERNAL",
                "imageInfo": {
                    "id": "11062b_abc~mv2.jpeg",
                    "width": 6446,
                    "height": 4298,
                    "altText": "sunset.jpeg",
                    "filename": "sunset.jpeg",
                    "url": "wix:image://v1/11062b_abc~mv2.jpeg/sunset.jpeg#originWidth=6446",
                },
                "focalPoint": {"x": 0.25, "y": 0.75},
            },
        },
    )
    assert item["type"] == "IMAGE"
    assert item["image"] == {
        "type": "WIX_MEDIA",
        "imageInfo": {
            "id": "11062b_abc~mv2.jpeg",
            "url": MEDIA + "11062b_abc~mv2.jpeg",
            "height": 4298,
            "width": 6446,
            "altText": "sunset.jpeg",
            "filename": "sunset.jpeg",
        },
        "focalPoint": {"x": 0.25, "y": 0.75},
    }
    assert item["createdDate"] == item["updatedDate"] == "2026-01-02T03:04:05Z"
    assert len(item["id"]) == 36
    assert item["id"][14] == "4"  # GUID v4


def test_sdk_undefined_alt_text_is_dropped(api, gallery):
    info = {"id": "c55f.jpg", "width": 8, "height": 6}
    info |= {"altText": "undefined", "filename": "undefined"}
    item = api.create_item(gallery["id"], {"image": {"imageInfo": info}})
    assert "altText" not in item["image"]["imageInfo"]
    assert "filename" not in item["image"]["imageInfo"]


@pytest.mark.parametrize(
    ("url", "video_type"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YOUTUBE"),
        ("https://youtu.be/dQw4w9WgXcQ", "YOUTUBE"),
        ("https://vimeo.com/76979871", "VIMEO"),
        ("https://example.com/clip.mp4", "UNDEFINED"),
    ],
)
def test_create_external_video_derives_type(api, gallery, url, video_type):
    item = api.create_item(gallery["id"], {"video": {"videoInfo": {"url": url}}})
    assert item["type"] == "VIDEO"
    assert item["video"]["type"] == video_type
    info = item["video"]["videoInfo"]
    assert (info["id"], info["url"]) == ("", url)
    if video_type == "UNDEFINED":  # not YouTube/Vimeo: nothing is made up
        assert (info["resolutions"], info["posters"]) == ([], [])


def test_create_wix_video_keeps_posters_with_urls(api, gallery):
    video = {
        "type": "WIX_MEDIA",
        "durationInMillis": 5000,
        "videoInfo": {
            "id": "11062b_7c7b",
            "filename": "clip.mp4",
            "posters": [{"id": "11062b_7c7bf000.jpg", "height": 1080, "width": 1920}],
        },
    }
    item = api.create_item(gallery["id"], {"video": video})
    info = item["video"]["videoInfo"]
    assert item["video"]["type"] == "WIX_MEDIA"
    assert item["video"]["durationInMillis"] == 5000
    assert info["id"] == "11062b_7c7b"
    assert info["url"] == ""
    assert info["posters"][0]["url"] == MEDIA + "11062b_7c7bf000.jpg"


def test_create_text_item_echoes_css(api, gallery):
    css = {"backgroundColor": "#fff", "textVerticalAlignment": "middle"}
    item = api.create_item(gallery["id"], {"text": {"html": "<p>x</p>", "css": css}})
    assert item["type"] == "TEXT"
    assert item["text"] == {"html": "<p>x</p>", "css": css}


def test_create_item_keeps_link_and_secondary_media(api, gallery, make):
    link = {"text": "Visit", "url": "https://example.com", "target": "_blank"}
    body = make.image(link=link, secondaryMedia={"text": {"html": "<i>hover</i>"}})
    item = api.create_item(gallery["id"], body)
    assert item["link"] == link
    assert item["secondaryMedia"] == {"text": {"html": "<i>hover</i>"}}


def test_create_item_ignores_read_only_and_unknown_keys(api, gallery, make):
    body = make.text(
        _id="x", id=UNKNOWN, type="IMAGE", createdDate="2001-01-01T00:00:00.000Z"
    )
    body["bogus"] = 1
    item = api.create_item(gallery["id"], body)
    assert item["id"] != UNKNOWN
    assert item["type"] == "TEXT"
    assert item["createdDate"] == "2026-01-02T03:04:05Z"
    assert "_id" not in item
    assert "bogus" not in item


def test_create_item_path_wins_over_body_gallery_id(api, gallery, make):
    other = api.create_gallery(name="other")
    body = {"galleryId": other["id"], "item": make.text()}
    api.post(f"galleries/{gallery['id']}/items", body)
    assert api.get(f"galleries/{gallery['id']}").json["gallery"]["totalItems"] == 1
    assert api.get(f"galleries/{other['id']}").json["gallery"]["totalItems"] == 0


def test_create_item_unknown_gallery_is_404(api, make, check_error):
    response = api.post(f"galleries/{UNKNOWN}/items", {"item": make.text()})
    check_error(response, 404, "GALLERY_NOT_FOUND")


# --- validation (docs/behaviour.md §5.10, §7.4) ---------------------------------------

IMG = {"id": "m.jpg", "width": 1, "height": 1}

INVALID = [
    ({}, "item", "REQUIRED_FIELD"),
    ({"item": {"title": "no media"}}, "item", "ONE_OF"),
    ({"item": {"text": {"html": "x"}, "image": {"imageInfo": IMG}}}, "item", "ONE_OF"),
    ({"item": {"image": {}}}, "item.image.imageInfo", "REQUIRED_FIELD"),
    (
        {"item": {"image": {"imageInfo": {"width": 1, "height": 1}}}},
        "item.image.imageInfo.id",
        "REQUIRED_FIELD",
    ),
    (
        {"item": {"image": {"imageInfo": {"url": "https://example.com/a.jpg"}}}},
        "item.image.imageInfo.id",
        "REQUIRED_FIELD",
    ),
    (
        {"item": {"image": {"imageInfo": {**IMG, "id": ""}}}},
        "item.image.imageInfo.id",
        "REQUIRED_FIELD",
    ),
    (
        {"item": {"image": {"imageInfo": {**IMG, "width": "wide"}}}},
        "item.image.imageInfo.width",
        "FORMAT",
    ),
    (
        {"item": {"image": {"imageInfo": IMG, "quality": 29}}},
        "item.image.quality",
        "MIN",
    ),
    (
        {"item": {"image": {"imageInfo": IMG, "quality": 101}}},
        "item.image.quality",
        "MAX",
    ),
    (
        {"item": {"image": {"imageInfo": IMG, "unsharpMasking": {"amount": 5.1}}}},
        "item.image.unsharpMasking.amount",
        "MAX",
    ),
    (
        {"item": {"image": {"imageInfo": IMG, "unsharpMasking": {"threshold": 1.5}}}},
        "item.image.unsharpMasking.threshold",
        "MAX",
    ),
    (
        {"item": {"image": {"imageInfo": IMG, "focalPoint": {"x": 0.5}}}},
        "item.image.focalPoint.y",
        "REQUIRED_FIELD",
    ),
    ({"item": {"video": {}}}, "item.video.videoInfo", "REQUIRED_FIELD"),
    ({"item": {"video": {"videoInfo": {}}}}, "item.video.videoInfo", "REQUIRED_FIELD"),
    (
        {"item": {"video": {"type": "TIKTOK", "videoInfo": {"url": "u"}}}},
        "item.video.type",
        "FORMAT",
    ),
    ({"item": {"text": {}}}, "item.text.html", "REQUIRED_FIELD"),
    ({"item": {"text": {"html": 5}}}, "item.text.html", "FORMAT"),
    ({"item": {"text": {"html": "x"}, "title": 7}}, "item.title", "FORMAT"),
    ({"item": {"text": {"html": "x"}, "sortOrder": "NaN"}}, "item.sortOrder", "FORMAT"),
    ({"item": {"text": {"html": "x"}, "sortOrder": "12"}}, "item.sortOrder", "FORMAT"),
    (
        {"item": {"text": {"html": "x"}, "tags": {"values": "a"}}},
        "item.tags.values",
        "FORMAT",
    ),
    ({"item": "text"}, "item", "FORMAT"),
]


@pytest.mark.parametrize(
    ("body", "field", "rule"), INVALID, ids=[f"{f}-{r}" for _, f, r in INVALID]
)
def test_create_item_invalid_is_400(
    api, items_path, check_violation, body, field, rule
):
    check_violation(api.post(items_path, body), field, rule)
    assert api.get(items_path).json == {"items": []}


def test_violation_names_field_rule_and_data(api, items_path):
    body = {"item": {"image": {"imageInfo": IMG, "quality": 101}}}
    body_json = api.post(items_path, body).json
    assert (
        body_json["message"]
        == 'INVALID_ARGUMENT: "item.image.quality" must be at most 100'
    )
    assert body_json["details"]["validationError"]["fieldViolations"] == [
        {
            "field": "item.image.quality",
            "description": "must be at most 100",
            "violatedRule": "MAX",
            "data": {"max": 100},
        }
    ]


def test_limits_at_the_edges_are_accepted(api, gallery):
    body = {
        "image": {
            "imageInfo": IMG,
            "quality": 30,
            "unsharpMasking": {"amount": 5, "threshold": 1, "radius": 99},
        },
        "sortOrder": -2.1e12,
    }
    item = api.create_item(gallery["id"], body)
    assert item["image"]["quality"] == 30
    assert item["sortOrder"] == -2.1e12


# --- sortOrder (docs/behaviour.md §6.1) -----------------------------------------------


def test_default_sort_orders_are_epoch_seconds_strictly_increasing(
    api, fake, gallery, make
):
    first = api.create_item(gallery["id"], make.text("1"))
    second = api.create_item(gallery["id"], make.text("2"))
    now = fake.clock.now().timestamp()
    assert first["sortOrder"] == pytest.approx(now, abs=1)
    assert second["sortOrder"] > first["sortOrder"]
    assert round(second["sortOrder"], 3) == second["sortOrder"]


def test_items_are_listed_ascending_by_sort_order(api, gallery, items_path, make):
    for html, order in [("c", 30), ("a", 10), ("b", 20)]:
        api.create_item(gallery["id"], make.text(html, sortOrder=order))
    assert [i["text"]["html"] for i in api.get(items_path).json["items"]] == [
        "a",
        "b",
        "c",
    ]


def test_descending_order_switch(make):
    from fakegallery import create_app

    client = create_app({"ITEM_SORT_DESC": True}).test_client()
    headers = {"Authorization": "k"}
    items = [make.text(h, sortOrder=o) for h, o in [("a", 1), ("c", 3), ("b", 2)]]
    made = client.post(
        "/pro-gallery/v2/galleries", json={"gallery": {"items": items}}, headers=headers
    )
    listed = [i["text"]["html"] for i in made.json["gallery"]["items"]]
    assert listed == ["c", "b", "a"]


def test_equal_sort_orders_keep_creation_order(make):
    from fakegallery import create_app

    client = create_app({"REJECT_DUPLICATE_SORT_ORDER": False}).test_client()
    headers = {"Authorization": "k"}
    items = [make.text(h, sortOrder=1) for h in "xyz"]
    made = client.post(
        "/pro-gallery/v2/galleries", json={"gallery": {"items": items}}, headers=headers
    )
    assert [i["text"]["html"] for i in made.json["gallery"]["items"]] == ["x", "y", "z"]


def test_duplicate_item_sort_order_is_409(api, gallery, items_path, make, check_error):
    api.create_item(gallery["id"], make.text("a", sortOrder=7))
    response = api.post(items_path, {"item": make.text("b", sortOrder=7)})
    error = check_error(response, 409, "DUPLICATE_SORT_ORDER")
    assert "7" in error["description"]
    assert len(api.get(items_path).json["items"]) == 1


def test_same_sort_order_in_other_gallery_is_fine(api, gallery, make):
    other = api.create_gallery(name="other")
    api.create_item(gallery["id"], make.text(sortOrder=7))
    assert api.create_item(other["id"], make.text(sortOrder=7))["sortOrder"] == 7


def test_default_sort_order_skips_a_taken_value(api, fake, gallery, make):
    upcoming = round(fake.clock.now().timestamp(), 3)
    api.create_item(gallery["id"], make.text("taken", sortOrder=upcoming))
    item = api.create_item(gallery["id"], make.text("default"))
    assert item["sortOrder"] > upcoming


# --- update (docs/behaviour.md §5.11, §6.5) -------------------------------------------


@pytest.fixture
def item(api, gallery, make):
    return api.create_item(
        gallery["id"],
        make.image(title="t", description="d", tags={"values": ["x"]}, sortOrder=5),
    )


def test_update_item_changes_only_sent_fields(api, fake, gallery, item):
    fake.clock.advance(30)
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    updated = api.patch(path, {"item": {"id": item["id"], "title": "new"}}).json["item"]
    assert updated["title"] == "new"
    assert updated["updatedDate"] == "2026-01-02T03:04:35Z"
    unchanged = {k: v for k, v in updated.items() if k not in ("title", "updatedDate")}
    assert unchanged == {
        k: v for k, v in item.items() if k not in ("title", "updatedDate")
    }


def test_update_item_null_clears_optional_fields(api, gallery, item):
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    body = {"item": {"title": None, "tags": None, "description": None}}
    updated = api.patch(path, body).json["item"]
    assert not {"title", "tags", "description"} & set(updated)


def test_update_item_switching_media_switches_type(api, gallery, item):
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    updated = api.patch(path, {"item": {"text": {"html": "now text"}}}).json["item"]
    assert updated["type"] == "TEXT"
    assert "image" not in updated
    assert updated["text"] == {"html": "now text"}


def test_update_item_sdk_round_trip_changes_only_the_title(api, gallery, item):
    """docs/behaviour.md §13.3: the SDK sends back _id, id, type, dates and
    wix: urls."""
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    sent = dict(item, _id=item["id"], title="round trip")
    sent["createdDate"] = "2026-01-02T03:04:05.000Z"
    sent["image"] = dict(item["image"])
    sent["image"]["imageInfo"] = dict(
        item["image"]["imageInfo"],
        url="wix:image://v1/x/y#originWidth=1&originHeight=1",
    )
    updated = api.patch(path, {"galleryId": gallery["id"], "item": sent}).json["item"]
    assert updated["title"] == "round trip"
    assert updated["image"] == item["image"]
    assert updated["createdDate"] == item["createdDate"]
    assert "_id" not in updated


def test_update_item_invalid_changes_nothing(api, gallery, item, check_violation):
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    body = {"item": {"title": "x", "image": {"imageInfo": IMG, "quality": 1}}}
    check_violation(api.patch(path, body), "item.image.quality", "MIN")
    assert api.get(path).json["item"] == item


def test_update_item_requires_item(api, gallery, item, check_violation):
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    check_violation(
        api.patch(path, {"galleryId": gallery["id"]}), "item", "REQUIRED_FIELD"
    )


def test_update_item_duplicate_sort_order_is_409(api, gallery, item, make, check_error):
    other = api.create_item(gallery["id"], make.text(sortOrder=9))
    path = f"galleries/{gallery['id']}/items/{other['id']}"
    check_error(
        api.patch(path, {"item": {"sortOrder": 5}}), 409, "DUPLICATE_SORT_ORDER"
    )
    own = f"galleries/{gallery['id']}/items/{item['id']}"
    assert api.patch(own, {"item": {"sortOrder": 5}}).status_code == 200


def test_update_item_reorders(api, gallery, item, make, items_path):
    later = api.create_item(gallery["id"], make.text(sortOrder=10))
    api.patch(f"{items_path}/{later['id']}", {"item": {"sortOrder": 1}})
    assert [i["id"] for i in api.get(items_path).json["items"]] == [
        later["id"],
        item["id"],
    ]


def test_update_item_unknown_is_404(api, gallery, items_path, check_error):
    response = api.patch(f"{items_path}/{UNKNOWN}", {"item": {"title": "x"}})
    error = check_error(response, 404, "ITEM_NOT_FOUND")
    assert error["data"] == {"galleryId": gallery["id"], "itemId": UNKNOWN}


# --- get and list ---------------------------------------------------------------------


def test_get_item(api, gallery, item, items_path):
    response = api.get(
        f"{items_path}/{item['id']}",
        query_string={"galleryId": gallery["id"], "itemId": item["id"]},
    )
    assert response.json == {"item": item}


def test_item_of_another_gallery_is_404(api, item, check_error):
    other = api.create_gallery(name="other")
    response = api.get(f"galleries/{other['id']}/items/{item['id']}")
    check_error(response, 404, "ITEM_NOT_FOUND")


def test_get_item_bad_guid_is_400(api, items_path, check_violation):
    check_violation(api.get(f"{items_path}/nope"), "itemId", "FORMAT")


def test_list_items_pages_without_totals(api, gallery, items_path, make):
    for n in range(5):
        api.create_item(gallery["id"], make.text(str(n)))
    page = api.get(items_path, query_string={"itemOffset": 3, "itemLimit": 10}).json
    assert list(page) == ["items"]
    assert [i["text"]["html"] for i in page["items"]] == ["3", "4"]


# --- deletes (docs/behaviour.md §5.8, §5.9, §5.12) ------------------------------------


def test_delete_item(api, gallery, item, items_path, check_error):
    response = api.delete(
        f"{items_path}/{item['id']}",
        query_string={"galleryId": gallery["id"], "itemId": item["id"]},
    )
    assert response.json == {"itemId": item["id"]}
    assert api.get(items_path).json == {"items": []}
    check_error(api.delete(f"{items_path}/{item['id']}"), 404, "ITEM_NOT_FOUND")


@pytest.fixture
def three(api, gallery, make):
    return [api.create_item(gallery["id"], make.text(str(n)))["id"] for n in range(3)]


def test_bulk_delete_returns_deleted_ids_and_drops_unknown(
    api, gallery, items_path, three
):
    body = {"galleryId": gallery["id"], "itemIds": [three[0], UNKNOWN, three[2]]}
    response = api.post(f"{items_path}/delete", body)
    assert response.json == {"itemIds": [three[0], three[2]]}
    assert [i["id"] for i in api.get(items_path).json["items"]] == [three[1]]


@pytest.mark.parametrize(
    ("ids", "field", "rule"),
    [
        ([], "itemIds", "MIN_SIZE"),
        ([UNKNOWN] * 1001, "itemIds", "MAX_SIZE"),
        (["nope"], "itemIds[0]", "FORMAT"),
        (None, "itemIds", "REQUIRED_FIELD"),
    ],
    ids=["empty", "too-many", "bad-guid", "missing"],
)
def test_bulk_delete_invalid_is_400(
    api, items_path, three, check_violation, ids, field, rule
):
    body = {} if ids is None else {"itemIds": ids}
    check_violation(api.post(f"{items_path}/delete", body), field, rule)
    assert len(api.get(items_path).json["items"]) == 3


def test_bulk_delete_accepts_1000_ids(api, items_path, three):
    ids = three + [f"0c0c0c0c-0000-4000-8000-{n:012d}" for n in range(997)]
    assert api.post(f"{items_path}/delete", {"itemIds": ids}).json == {"itemIds": three}


def test_bulk_delete_unknown_gallery_is_404(api, check_error):
    response = api.post(f"galleries/{UNKNOWN}/items/delete", {"itemIds": [UNKNOWN]})
    check_error(response, 404, "GALLERY_NOT_FOUND")


def test_delete_route_is_not_taken_for_an_item_id(api, items_path, check_violation):
    check_violation(api.get(f"{items_path}/delete"), "itemId", "FORMAT")


def test_deprecated_delete_items_returns_the_gallery(api, gallery, items_path, three):
    query = [
        ("galleryId", gallery["id"]),
        ("itemsIds", three[0]),
        ("itemsIds", UNKNOWN),
    ]
    response = api.delete(items_path, query_string=query)
    assert response.status_code == 200
    left = response.json["gallery"]
    assert left["id"] == gallery["id"]
    assert left["totalItems"] == 2
    assert [i["id"] for i in left["items"]] == three[1:]


def test_deprecated_delete_items_accepts_commas(api, items_path, three):
    response = api.delete(items_path, query_string={"itemsIds": ",".join(three[:2])})
    assert [i["id"] for i in response.json["gallery"]["items"]] == three[2:]


def test_deprecated_delete_items_bad_guid_is_400(
    api, items_path, three, check_violation
):
    response = api.delete(items_path, query_string={"itemsIds": "x"})
    check_violation(response, "itemsIds[0]", "FORMAT")
    assert len(api.get(items_path).json["items"]) == 3


def test_deprecated_delete_items_empty_value_is_400(
    api, items_path, three, check_violation
):
    # Found by schemathesis: `?itemsIds=` was taken as no ids and answered 200.
    response = api.delete(items_path, query_string={"itemsIds": ""})
    check_violation(response, "itemsIds[0]", "FORMAT")
