"""Domain events recorded after successful writes (docs/behaviour.md §8.1,
§8.5), and the control endpoints that expose state, events and reset."""

from __future__ import annotations

from fakegallery.state import events as ev

SITE = "5a1e0c7d-1111-4222-8333-944455566677"  # the site of the `api` fixture


def _types(fake):
    return [e.event_type for e in fake.events.list(SITE)]


def test_create_gallery_emits_gallery_then_item_events(api, fake, make):
    gallery = api.create_gallery(name="g", items=[make.text("a"), make.text("b")])
    assert _types(fake) == [ev.GALLERY_CREATED, ev.ITEM_CREATED, ev.ITEM_CREATED]
    created = fake.events.list(SITE)[0].to_dict()
    assert created["entityId"] == gallery["id"]
    assert created["createdEvent"]["entity"]["items"] == []  # items left out
    assert created["createdEvent"]["entity"]["totalItems"] == 2
    item_event = fake.events.list(SITE)[1].to_dict()
    assert (
        item_event["entityId"] == gallery["id"]
    )  # the gallery id (docs/behaviour.md §8.1)
    assert item_event["actionEvent"]["body"]["item"] == gallery["items"][0]


def test_update_and_delete_item_events(api, fake, make):
    gallery = api.create_gallery(items=[make.text("a")])
    item_id = gallery["items"][0]["id"]
    path = f"galleries/{gallery['id']}/items/{item_id}"
    api.patch(path, {"item": {"title": "t"}})
    api.delete(path)
    last_two = fake.events.list(SITE)[-2:]
    assert [e.event_type for e in last_two] == [ev.ITEM_UPDATED, ev.ITEM_DELETED]
    assert last_two[0].body["actionEvent"]["body"]["updatedItem"]["title"] == "t"
    assert last_two[1].body == {"actionEvent": {"body": {"itemId": item_id}}}
    assert last_two[1].originated_from is None


def test_delete_gallery_emits_item_deletes_from_gallery_deleted(api, fake, make):
    gallery = api.create_gallery(items=[make.text("a"), make.text("b")])
    fake.events.reset()
    api.delete(f"galleries/{gallery['id']}")
    events = fake.events.list(SITE)
    assert [e.event_type for e in events] == [
        ev.ITEM_DELETED,
        ev.ITEM_DELETED,
        ev.GALLERY_DELETED,
    ]
    assert {e.originated_from for e in events[:2]} == {"Gallery Deleted"}


def test_rejected_write_emits_nothing(api, fake):
    api.post("galleries", {"gallery": {"items": [{}]}})
    assert _types(fake) == []


def test_control_events_state_and_reset(api, client, make):
    gallery = api.create_gallery(name="g", items=[make.text("a")])
    events = client.get(f"/_fake/events?siteId={SITE}").json
    assert [e["slug"] for e in events["events"]] == ["created", "gallery_item_created"]
    state = client.get(f"/_fake/state?siteId={SITE}").json
    assert state["galleries"][0]["id"] == gallery["id"]
    assert state["galleries"][0]["items"][0]["text"] == {"html": "a"}
    assert client.post(f"/_fake/reset?siteId={SITE}").status_code == 200
    assert api.get("galleries").json["totalGalleries"] == 0
    assert client.get(f"/_fake/events?siteId={SITE}").json["events"] == []


def test_same_seed_same_calls_same_state(make):
    from fakegallery import create_app

    def run():
        app = create_app({"SEED": 7, "FROZEN_TIME": "2026-05-01T00:00:00Z"})
        client = app.test_client()
        headers = {"Authorization": "k", "wix-site-id": SITE}
        made = client.post(
            "/pro-gallery/v2/galleries",
            json={"gallery": {"items": [make.text("a"), make.image()]}},
            headers=headers,
        ).json["gallery"]
        client.get("/pro-gallery/v2/galleries", headers=headers)  # reads shift nothing
        client.post(
            "/pro-gallery/v2/galleries",
            json={"cloneFromGalleryId": made["id"]},
            headers=headers,
        )
        return client.get(f"/_fake/state?siteId={SITE}").json

    assert run() == run()


def test_reset_restores_a_fresh_fake(app, api, fake):
    first = api.create_gallery(name="x")["id"]
    fake.reset()
    assert api.get("galleries").json["totalGalleries"] == 0
    assert api.create_gallery(name="x")["id"] == first  # ids restart from the seed
