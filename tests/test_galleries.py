"""Galleries: list/get paging, create (plain, with items, clone), update, delete."""

from __future__ import annotations

import pytest

GID_UNKNOWN = "0b0b0b0b-0000-4000-8000-000000000000"


def _names(response):
    return [g["name"] for g in response.json["galleries"]]


# --- listGalleries (docs/behaviour.md §5.1) -------------------------------------------


def test_list_galleries_empty_site(api):
    response = api.get("galleries")
    assert response.status_code == 200
    assert response.json == {"totalGalleries": 0, "galleries": []}


def test_list_galleries_pages_ten_oldest_first(api, fake):
    for n in range(12):
        api.create_gallery(name=f"g{n}")
        fake.clock.advance(1)
    first = api.get("galleries")
    assert first.json["totalGalleries"] == 12
    assert _names(first) == [f"g{n}" for n in range(10)]
    rest = api.get("galleries", query_string={"offset": 10, "limit": 5})
    assert _names(rest) == ["g10", "g11"]
    assert rest.json["totalGalleries"] == 12


def test_list_galleries_offset_past_end_is_empty(api):
    api.create_gallery(name="only")
    response = api.get("galleries", query_string={"offset": 5})
    assert response.json == {"totalGalleries": 1, "galleries": []}


def test_list_galleries_item_limit_per_gallery(api, make):
    api.create_gallery(name="a", items=[make.text(f"<p>{n}</p>") for n in range(15)])
    default = api.get("galleries").json["galleries"][0]
    assert len(default["items"]) == 10
    assert default["totalItems"] == 15
    one = api.get("galleries", query_string={"itemLimit": 1}).json["galleries"][0]
    assert [i["text"]["html"] for i in one["items"]] == ["<p>0</p>"]
    assert one["totalItems"] == 15


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ({"limit": 0}, "limit", "MIN"),
        ({"limit": 11}, "limit", "MAX"),
        ({"limit": "ten"}, "limit", "FORMAT"),
        ({"offset": -1}, "offset", "MIN"),
        ({"offset": "1.5"}, "offset", "FORMAT"),
        ({"itemLimit": 0}, "itemLimit", "MIN"),
        ({"itemLimit": 101}, "itemLimit", "MAX"),
    ],
    ids=lambda v: str(v),
)
def test_list_galleries_bad_paging_is_400(api, check_violation, query, field, rule):
    check_violation(api.get("galleries", query_string=query), field, rule)


def test_list_galleries_ignores_unknown_query(api):
    assert (
        api.get("galleries", query_string={"fields": "x", "bogus": 1}).status_code
        == 200
    )


# --- getGallery (docs/behaviour.md §5.2) ----------------------------------------------


def test_get_gallery_pages_items_with_full_total(api, make):
    gallery = api.create_gallery(items=[make.text(f"{n}") for n in range(60)])
    path = f"galleries/{gallery['id']}"
    default = api.get(path).json["gallery"]
    assert len(default["items"]) == 50
    assert default["totalItems"] == 60
    page = api.get(path, query_string={"itemOffset": 58, "itemLimit": 5}).json
    assert [i["text"]["html"] for i in page["gallery"]["items"]] == ["58", "59"]
    assert page["gallery"]["totalItems"] == 60


def test_get_gallery_accepts_repeated_path_param(api):
    gallery = api.create_gallery(name="dup")
    response = api.get(
        f"galleries/{gallery['id']}",
        query_string={"galleryId": GID_UNKNOWN, "itemOffset": 0},
    )
    assert response.status_code == 200  # the path wins (docs/behaviour.md §2.3)
    assert response.json["gallery"]["id"] == gallery["id"]


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ({"itemLimit": 0}, "itemLimit", "MIN"),
        ({"itemLimit": 201}, "itemLimit", "MAX"),
        ({"itemOffset": -1}, "itemOffset", "MIN"),
        ({"itemOffset": "x"}, "itemOffset", "FORMAT"),
    ],
    ids=lambda v: str(v),
)
def test_get_gallery_bad_paging_is_400(api, check_violation, query, field, rule):
    gallery = api.create_gallery()
    response = api.get(f"galleries/{gallery['id']}", query_string=query)
    check_violation(response, field, rule)


def test_get_gallery_item_limit_max_is_configurable(app, api, check_violation):
    gallery = api.create_gallery()
    assert api.get(f"galleries/{gallery['id']}?itemLimit=200").status_code == 200
    from fakegallery import create_app

    small = create_app({"MAX_ITEM_LIMIT": 100}).test_client()
    headers = {"Authorization": "k"}
    made = small.post("/pro-gallery/v2/galleries", json={}, headers=headers).json
    response = small.get(
        f"/pro-gallery/v2/galleries/{made['gallery']['id']}?itemLimit=101",
        headers=headers,
    )
    check_violation(response, "itemLimit", "MAX")


def test_get_gallery_unknown_is_404(api, check_error):
    error = check_error(api.get(f"galleries/{GID_UNKNOWN}"), 404, "GALLERY_NOT_FOUND")
    assert error["data"]["galleryId"] == GID_UNKNOWN


def test_get_gallery_bad_guid_is_400(api, check_violation):
    violation = check_violation(api.get("galleries/not-a-guid"), "galleryId", "FORMAT")
    assert violation["data"] == {"type": "GUID"}


# --- createGallery (docs/behaviour.md §5.5, §6.3) -------------------------------------


def test_create_gallery_without_body_fields(api, fake):
    response = api.post("galleries", {})
    gallery = response.json["gallery"]
    assert set(gallery) == {"id", "createdDate", "sortOrder", "totalItems", "items"}
    assert gallery["createdDate"] == "2026-01-02T03:04:05Z"
    assert gallery["totalItems"] == 0
    assert gallery["sortOrder"] == pytest.approx(fake.clock.now().timestamp(), abs=1)


def test_create_gallery_returns_every_item_in_request_order(api, make):
    items = [make.text(f"{n}") for n in range(60)]
    gallery = api.create_gallery(name="many", items=items)
    assert gallery["totalItems"] == 60
    assert [i["text"]["html"] for i in gallery["items"]] == [str(n) for n in range(60)]
    orders = [i["sortOrder"] for i in gallery["items"]]
    assert orders == sorted(set(orders))  # strictly increasing (docs/behaviour.md §6.3)


def test_create_gallery_ignores_read_only_keys(api):
    response = api.post(
        "galleries",
        {
            "gallery": {
                "id": GID_UNKNOWN,
                "createdDate": "2001-01-01T00:00:00Z",
                "totalItems": 99,
                "name": "ro",
                "_id": "x",
            }
        },
    )
    gallery = response.json["gallery"]
    assert gallery["id"] != GID_UNKNOWN
    assert gallery["createdDate"] != "2001-01-01T00:00:00Z"
    assert gallery["totalItems"] == 0
    assert "_id" not in gallery


def test_create_gallery_duplicate_sort_order_is_409(api, check_error):
    api.create_gallery(name="a", sortOrder=5)
    response = api.post("galleries", {"gallery": {"name": "b", "sortOrder": 5}})
    error = check_error(response, 409, "DUPLICATE_SORT_ORDER")
    assert error["data"]["sortOrder"] == 5
    assert api.get("galleries").json["totalGalleries"] == 1


def test_create_gallery_duplicate_item_sort_orders_is_409(api, make, check_error):
    items = [make.text("a", sortOrder=1), make.text("b", sortOrder=1)]
    response = api.post("galleries", {"gallery": {"items": items}})
    check_error(response, 409, "DUPLICATE_SORT_ORDER")
    assert api.get("galleries").json["totalGalleries"] == 0


def test_duplicate_sort_orders_allowed_when_switched_off(client, make):
    from fakegallery import create_app

    app = create_app({"REJECT_DUPLICATE_SORT_ORDER": False})
    items = [make.text("a", sortOrder=1), make.text("b", sortOrder=1)]
    response = app.test_client().post(
        "/pro-gallery/v2/galleries",
        json={"gallery": {"items": items}},
        headers={"Authorization": "k"},
    )
    assert [i["text"]["html"] for i in response.json["gallery"]["items"]] == ["a", "b"]


def test_create_gallery_with_a_bad_item_stores_nothing(api, make, check_violation):
    items = [make.text("1"), make.text("2"), make.text("3"), {"title": "x"}]
    items.append(make.text("5"))
    response = api.post("galleries", {"gallery": {"name": "bad", "items": items}})
    violation = check_violation(response, "gallery.items[3]", "ONE_OF")
    assert "exactly one of image, video or text" in violation["description"]
    assert api.get("galleries").json["totalGalleries"] == 0


# --- clone (docs/behaviour.md §6.4) ---------------------------------------------------


@pytest.fixture
def source(api, make):
    return api.create_gallery(
        name="source",
        items=[
            make.image(title="first", tags={"values": ["a"]}),
            make.youtube(title="second"),
            make.text("<p>third</p>", title="third"),
        ],
    )


def test_clone_copies_name_and_item_content(api, fake, source):
    fake.clock.advance(60)
    clone = api.post("galleries", {"cloneFromGalleryId": source["id"]}).json["gallery"]
    assert clone["id"] != source["id"]
    assert clone["name"] == "source"
    assert clone["totalItems"] == 3
    assert [i["title"] for i in clone["items"]] == ["first", "second", "third"]
    for new, old in zip(clone["items"], source["items"], strict=True):
        assert new["id"] != old["id"]
        assert new["createdDate"] == new["updatedDate"] != old["createdDate"]
        assert new["sortOrder"] != old["sortOrder"]
        strip = ("id", "sortOrder", "createdDate", "updatedDate")
        assert {k: v for k, v in new.items() if k not in strip} == {
            k: v for k, v in old.items() if k not in strip
        }
    assert clone["sortOrder"] != source["sortOrder"]
    assert clone["createdDate"] != source["createdDate"]


def test_clone_leaves_the_source_untouched(api, source):
    before = api.get(f"galleries/{source['id']}").json
    api.post("galleries", {"cloneFromGalleryId": source["id"]})
    assert api.get(f"galleries/{source['id']}").json == before


def test_clone_keeps_relative_order_of_reordered_items(api, source):
    last = source["items"][2]["id"]
    api.patch(f"galleries/{source['id']}/items/{last}", {"item": {"sortOrder": -1}})
    clone = api.post("galleries", {"cloneFromGalleryId": source["id"]}).json["gallery"]
    assert [i["title"] for i in clone["items"]] == ["third", "first", "second"]


def test_clone_with_gallery_fields_applies_them_on_top(api, source, make):
    body = {
        "cloneFromGalleryId": source["id"],
        "gallery": {"name": "copy", "items": [make.text("extra", title="extra")]},
    }
    clone = api.post("galleries", body).json["gallery"]
    assert clone["name"] == "copy"
    assert [i["title"] for i in clone["items"]][-1] == "extra"
    assert clone["totalItems"] == 4


def test_clone_unknown_source_is_404(api, check_error):
    response = api.post("galleries", {"cloneFromGalleryId": GID_UNKNOWN})
    check_error(response, 404, "GALLERY_NOT_FOUND")
    assert api.get("galleries").json["totalGalleries"] == 0


def test_clone_bad_source_id_is_400(api, check_violation):
    response = api.post("galleries", {"cloneFromGalleryId": "nope"})
    check_violation(response, "cloneFromGalleryId", "FORMAT")


# --- updateGallery (docs/behaviour.md §5.6) -------------------------------------------


def test_update_gallery_changes_only_sent_fields(api, fake, source):
    fake.clock.advance(5)
    path = f"galleries/{source['id']}"
    response = api.patch(path, {"gallery": {"id": source["id"], "name": "renamed"}})
    gallery = response.json["gallery"]
    assert gallery["name"] == "renamed"
    assert gallery["sortOrder"] == source["sortOrder"]
    assert gallery["createdDate"] == source["createdDate"]
    assert gallery["items"] == source["items"]


def test_update_gallery_null_clears_name(api, source):
    path = f"galleries/{source['id']}"
    gallery = api.patch(path, {"gallery": {"name": None}}).json["gallery"]
    assert "name" not in gallery


def test_update_gallery_path_wins_over_body_id(api, source):
    other = api.create_gallery(name="other")
    response = api.patch(
        f"galleries/{source['id']}", {"gallery": {"id": other["id"], "name": "p"}}
    )
    assert response.json["gallery"]["id"] == source["id"]
    assert api.get(f"galleries/{other['id']}").json["gallery"]["name"] == "other"


def test_update_gallery_items_update_by_id_and_create_without(api, fake, source, make):
    fake.clock.advance(10)
    first = source["items"][0]
    body = {
        "gallery": {
            "items": [{"id": first["id"], "title": "edited"}, make.text("new")],
        }
    }
    gallery = api.patch(f"galleries/{source['id']}", body).json["gallery"]
    assert gallery["totalItems"] == 4
    edited = gallery["items"][0]
    assert edited["title"] == "edited"
    assert edited["image"] == first["image"]
    assert edited["createdDate"] == first["createdDate"]
    assert edited["updatedDate"] != first["updatedDate"]
    assert gallery["items"][-1]["text"]["html"] == "new"
    assert gallery["items"][1:3] == source["items"][1:3]


def test_update_gallery_unknown_item_id_changes_nothing(api, source, check_error):
    before = api.get(f"galleries/{source['id']}").json
    body = {"gallery": {"name": "x", "items": [{"id": GID_UNKNOWN, "title": "t"}]}}
    response = api.patch(f"galleries/{source['id']}", body)
    check_error(response, 404, "ITEM_NOT_FOUND")
    assert api.get(f"galleries/{source['id']}").json == before


def test_update_gallery_invalid_item_changes_nothing(api, source, check_violation):
    before = api.get(f"galleries/{source['id']}").json
    body = {
        "gallery": {
            "name": "x",
            "items": [{"id": source["items"][0]["id"], "image": {"quality": 5}}],
        }
    }
    response = api.patch(f"galleries/{source['id']}", body)
    check_violation(response, "gallery.items[0].image.imageInfo", "REQUIRED_FIELD")
    assert api.get(f"galleries/{source['id']}").json == before


def test_update_gallery_new_item_needs_media(api, source, check_violation):
    response = api.patch(f"galleries/{source['id']}", {"gallery": {"items": [{}]}})
    check_violation(response, "gallery.items[0]", "ONE_OF")


def test_update_gallery_requires_gallery(api, source, check_violation):
    check_violation(
        api.patch(f"galleries/{source['id']}", {}), "gallery", "REQUIRED_FIELD"
    )


def test_update_gallery_duplicate_sort_order_is_409(api, source, check_error):
    other = api.create_gallery(name="other")
    body = {"gallery": {"sortOrder": source["sortOrder"]}}
    check_error(
        api.patch(f"galleries/{other['id']}", body), 409, "DUPLICATE_SORT_ORDER"
    )
    same = api.patch(f"galleries/{source['id']}", body)
    assert same.status_code == 200  # its own value is no conflict


def test_update_gallery_unknown_is_404(api, check_error):
    response = api.patch(f"galleries/{GID_UNKNOWN}", {"gallery": {"name": "x"}})
    check_error(response, 404, "GALLERY_NOT_FOUND")


# --- deleteGallery (docs/behaviour.md §5.7) -------------------------------------------


def test_delete_gallery_cascades_to_items(api, source, check_error):
    gid = source["id"]
    item = source["items"][0]["id"]
    assert api.delete(f"galleries/{gid}", query_string={"galleryId": gid}).json == {
        "galleryId": gid
    }
    check_error(api.get(f"galleries/{gid}"), 404, "GALLERY_NOT_FOUND")
    check_error(api.get(f"galleries/{gid}/items"), 404, "GALLERY_NOT_FOUND")
    check_error(api.get(f"galleries/{gid}/items/{item}"), 404, "GALLERY_NOT_FOUND")
    assert api.get("galleries").json == {"totalGalleries": 0, "galleries": []}
    check_error(api.delete(f"galleries/{gid}"), 404, "GALLERY_NOT_FOUND")


def test_delete_gallery_leaves_other_galleries(api, source):
    keep = api.create_gallery(name="keep")
    api.delete(f"galleries/{source['id']}")
    assert _names(api.get("galleries")) == ["keep"]
    assert api.get(f"galleries/{keep['id']}").status_code == 200
