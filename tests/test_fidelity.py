"""Fidelity round two (docs/behaviour.md §4.2–§4.4, §8.7): videos as Wix returns
them, `filename` of Editor items, one rule for every enum field, and the
protobuf key order of every answer, event and export."""

from __future__ import annotations

import hashlib

import pytest

from fakegallery.gallery.wire import poster_id

MEDIA = "https://static.wixstatic.com/media/"
YOUTUBE = "https://www.youtube.com/watch?v=NCtzkaL2t_Y&ab_channel=TheBeatlesVEVO"
VIMEO = "https://vimeo.com/76979871"
SITE = "5a1e0c7d-1111-4222-8333-944455566677"  # the `api` fixture's site


@pytest.fixture
def gallery(api):
    return api.create_gallery(name="fidelity")


def external(url):
    return {"video": {"videoInfo": {"url": url}}}


# --- 1. videos as Wix returns them -----------------------------------------------


def test_youtube_item_has_wix_resolution_and_poster(api, gallery):
    item = api.create_item(gallery["id"], external(YOUTUBE))
    info = item["video"]["videoInfo"]
    made = poster_id(YOUTUBE)
    # the real list-galleries sample, member for member and in its order
    assert info == {
        "id": "",
        "resolutions": [
            {
                "url": YOUTUBE,
                "height": 0,
                "width": 0,
                "format": "Youtube",
                "quality": None,
                "filename": None,
            }
        ],
        "url": YOUTUBE,
        "posters": [
            {
                "id": made,
                "url": MEDIA + made,
                "height": 720,
                "width": 1280,
                "altText": None,
                "urlExpirationDate": None,
                "filename": made,
                "sizeInBytes": None,
            }
        ],
    }
    assert list(info) == ["id", "resolutions", "url", "posters"]
    assert list(info["posters"][0]) == [
        "id",
        "url",
        "height",
        "width",
        "altText",
        "urlExpirationDate",
        "filename",
        "sizeInBytes",
    ]


def test_vimeo_item_gets_the_vimeo_format(api, gallery):
    info = api.create_item(gallery["id"], external(VIMEO))["video"]["videoInfo"]
    assert info["resolutions"][0]["format"] == "Vimeo"
    assert info["posters"][0]["url"] == MEDIA + poster_id(VIMEO)


def test_poster_id_is_a_hash_of_the_url_shaped_like_a_wix_media_id():
    digest = hashlib.sha256(YOUTUBE.encode()).hexdigest()
    assert poster_id(YOUTUBE) == f"{digest[:6]}_{digest[6:38]}~mv2.jpg"
    assert poster_id(YOUTUBE) != poster_id(VIMEO)


def test_made_up_posters_do_not_shift_the_seeded_ids(api, make):
    """A YouTube item draws no extra id: the next gallery id is the same as
    after a text item."""
    from fakegallery import create_app

    def next_gallery_id(item):
        app = create_app({"SEED": 5, "FROZEN_TIME": "2026-01-02T03:04:05Z"})
        client = app.test_client()
        headers = {"Authorization": "k", "wix-site-id": SITE}
        body = {"gallery": {"items": [item]}}
        client.post("/pro-gallery/v2/galleries", json=body, headers=headers)
        made = client.post("/pro-gallery/v2/galleries", json={}, headers=headers)
        return made.json["gallery"]["id"]

    assert next_gallery_id(external(YOUTUBE)) == next_gallery_id(make.text())


def test_client_resolutions_and_posters_are_kept(api, gallery):
    own = {
        "url": YOUTUBE,
        "resolutions": [{"url": YOUTUBE, "height": 360, "width": 640, "format": "mp4"}],
        "posters": [{"id": "abc123_poster~mv2.jpg", "height": 90, "width": 120}],
    }
    item = api.create_item(gallery["id"], {"video": {"videoInfo": own}})
    info = item["video"]["videoInfo"]
    assert info["resolutions"] == [
        {
            "url": YOUTUBE,
            "height": 360,
            "width": 640,
            "format": "mp4",
            "quality": None,
            "filename": None,
        }
    ]
    assert [p["id"] for p in info["posters"]] == ["abc123_poster~mv2.jpg"]
    assert info["posters"][0]["url"] == MEDIA + "abc123_poster~mv2.jpg"


def test_wix_media_video_makes_nothing_up(api, gallery):
    video = {
        "videoInfo": {
            "id": "11062b_7c7b",
            "filename": "clip.mp4",
            "posters": [{"id": "11062b_7c7bf000.jpg", "height": 1080, "width": 1920}],
        }
    }
    info = api.create_item(gallery["id"], {"video": video})["video"]["videoInfo"]
    assert info["resolutions"] == []
    assert list(info) == ["id", "resolutions", "url", "filename", "posters"]
    assert info["posters"] == [
        {
            "id": "11062b_7c7bf000.jpg",
            "url": MEDIA + "11062b_7c7bf000.jpg",
            "height": 1080,
            "width": 1920,
            "altText": None,
            "urlExpirationDate": None,
            "filename": None,
            "sizeInBytes": None,
        }
    ]


def test_same_video_patched_back_keeps_its_poster(api, gallery):
    item = api.create_item(gallery["id"], external(YOUTUBE))
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    # an SDK round trip sends the video back as its bare URL
    patched = api.patch(path, {"item": external(YOUTUBE)}).json["item"]
    assert patched["video"] == item["video"]


# --- 2. filename of Editor items ----------------------------------------------------


IMAGE_ID = "3fa1c2_5b9e0d4c7a214f6e9d8c1b2a3f4e5d6c~mv2.jpg"


def image(**info):
    return {"image": {"imageInfo": {"id": IMAGE_ID, "width": 8, "height": 6, **info}}}


def test_editor_gallery_items_carry_the_media_id_as_filename(fake):
    added = fake.site.add_editor_gallery(
        SITE,
        {
            "items": [
                image(),
                image(filename="undefined"),
                image(filename="own.jpg"),
                {
                    "text": {"html": "x"},
                    "secondaryMedia": image(),
                },
            ]
        },
    )
    items = added["gallery"]["items"]
    names = [i["image"]["imageInfo"].get("filename") for i in items[:3]]
    assert names == [IMAGE_ID, IMAGE_ID, "own.jpg"]
    hover = items[3]["secondaryMedia"]["image"]["imageInfo"]
    assert hover["filename"] == IMAGE_ID


def test_editor_route_gives_filenames_too(client):
    body = {"gallery": {"items": [image()]}}
    made = client.post(f"/_fake/editor/galleries?siteId={SITE}", json=body).json
    info = made["gallery"]["items"][0]["image"]["imageInfo"]
    assert info["filename"] == IMAGE_ID


def test_editor_fixture_items_get_filenames_backend_ones_do_not(fake):
    from fakegallery.seeding import fixtures

    data = {
        "siteId": SITE,
        "galleries": [
            {"origin": "editor", "items": [image()]},
            {"origin": "backend", "items": [image()]},
            {"items": [image()]},
        ],
    }
    fixtures.load_data(fake, fixtures.validate(data, "inline"), "inline")
    galleries = fake.gallery.site_state(SITE)["galleries"]
    names = [g["items"][0]["image"]["imageInfo"].get("filename") for g in galleries]
    assert names == [IMAGE_ID, None, None]


def test_api_created_items_keep_what_the_client_sent(api, gallery):
    bare = api.create_item(gallery["id"], image())
    assert "filename" not in bare["image"]["imageInfo"]
    named = api.create_item(gallery["id"], image(filename="sunset.jpeg"))
    assert named["image"]["imageInfo"]["filename"] == "sunset.jpeg"


def test_classic_fixture_items_all_carry_their_media_id_as_filename(fake):
    from fakegallery.seeding import fixtures

    [site] = fixtures.load(fake, ["classic-slideshow"])
    for item in fake.gallery.site_state(site)["galleries"][0]["items"]:
        info = item["image"]["imageInfo"]
        assert info["filename"] == info["id"]


# --- 3. one rule for every enum field -----------------------------------------------

ENUM_CASES = [
    ({"type": "PICTURE", **image()}, "item.type"),
    ({"type": "image", **image()}, "item.type"),  # names are case-sensitive
    ({"image": {**image()["image"], "type": "CLOUD"}}, "item.image.type"),
    ({"video": {"type": "TIKTOK", "videoInfo": {"url": YOUTUBE}}}, "item.video.type"),
    ({**image(), "link": {"url": "https://x.test", "type": "WEIRD"}}, "item.link.type"),
]


@pytest.mark.parametrize(("item", "field"), ENUM_CASES, ids=[f for _, f in ENUM_CASES])
def test_unknown_enum_value_is_400_on_every_enum_field(
    api, gallery, check_violation, item, field
):
    response = api.post(f"galleries/{gallery['id']}/items", {"item": item})
    violation = check_violation(response, field, "FORMAT")
    assert violation["data"]["type"] == "enum"
    assert "UNDEFINED" in violation["data"]["values"]
    assert api.get(f"galleries/{gallery['id']}").json["gallery"]["totalItems"] == 0


def test_known_derived_enum_values_are_accepted_and_rederived(api, gallery):
    body = {"type": "VIDEO", "image": {**image()["image"], "type": "EXTERNAL"}}
    item = api.create_item(gallery["id"], body)
    assert (item["type"], item["image"]["type"]) == ("IMAGE", "WIX_MEDIA")


def test_null_enum_means_unset(api, gallery):
    body = {"type": None, "video": {"type": None, "videoInfo": {"url": VIMEO}}}
    item = api.create_item(gallery["id"], body)
    assert (item["type"], item["video"]["type"]) == ("VIDEO", "VIMEO")


def test_enum_rule_holds_on_patch_and_in_gallery_items(api, gallery, check_violation):
    item = api.create_item(gallery["id"], image())
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    check_violation(api.patch(path, {"item": {"type": "X"}}), "item.type", "FORMAT")
    response = api.post("galleries", {"gallery": {"items": [{"type": "X", **image()}]}})
    check_violation(response, "gallery.items[0].type", "FORMAT")


# --- 4. protobuf key order everywhere -----------------------------------------------

GALLERY_ORDER = ["id", "name", "totalItems", "items", "sortOrder", "createdDate"]
ITEM_ORDER = [
    "id",
    "sortOrder",
    "title",
    "description",
    "type",
    "image",
    "createdDate",
    "updatedDate",
    "tags",
    "link",
]


def full_item():
    return {
        "link": {"url": "https://example.com", "text": "go"},
        "tags": {"values": ["a"]},
        **image(filename="f.jpg", altText="alt"),
        "description": "d",
        "title": "t",
    }


def test_item_keys_in_protobuf_order(api, gallery):
    item = api.create_item(gallery["id"], full_item())
    assert list(item) == ITEM_ORDER
    assert list(item["image"]) == ["type", "imageInfo"]
    assert list(item["image"]["imageInfo"]) == [
        "id",
        "url",
        "height",
        "width",
        "altText",
        "filename",
    ]
    assert list(item["link"]) == ["text", "url"]
    # a patch keeps the order
    path = f"galleries/{gallery['id']}/items/{item['id']}"
    patched = api.patch(path, {"item": {"title": "u"}}).json["item"]
    assert list(patched) == ITEM_ORDER


def test_gallery_keys_in_protobuf_order(api, make):
    made = api.create_gallery(name="n", items=[make.text()])
    assert list(made) == GALLERY_ORDER
    listed = api.get("galleries").json
    assert list(listed) == ["totalGalleries", "galleries"]
    assert list(listed["galleries"][0]) == list(made)


def test_events_and_export_use_the_same_order(api, client, gallery):
    api.create_item(gallery["id"], full_item())
    records = client.get(f"/_fake/events?siteId={SITE}").json["events"]
    body = records[-1]["domainEvent"]["actionEvent"]["body"]
    assert list(body["item"]) == ITEM_ORDER
    created = records[0]["domainEvent"]["createdEvent"]["entity"]
    assert list(created) == GALLERY_ORDER
    state = client.get(f"/_fake/state?siteId={SITE}").json
    assert list(state["galleries"][0]["items"][0]) == ITEM_ORDER


def test_editor_gallery_answer_matches_the_real_capture_text(fake, client):
    """The classic fixture, exported, has the key order of the captured real
    answer (its values are our own)."""
    from fakegallery.seeding import fixtures

    [site] = fixtures.load(fake, ["classic-slideshow"])
    gallery = fake.gallery.site_state(site)["galleries"][0]
    assert list(gallery) == ["id", "totalItems", "items", "createdDate"]
    first = gallery["items"][0]
    assert list(first) == [
        "id",
        "sortOrder",
        "title",
        "description",
        "type",
        "image",
        "createdDate",
        "updatedDate",
        "tags",
    ]
    info = first["image"]["imageInfo"]
    assert list(info) == ["id", "url", "height", "width", "filename"]
