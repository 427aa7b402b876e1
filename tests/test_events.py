"""Domain events recorded after successful writes (docs/behaviour.md §8.1,
§8.5), and the control endpoints that expose state, events and reset."""

from __future__ import annotations

import random

import orjson
import pytest

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
    slugs = [e["domainEvent"]["slug"] for e in events["events"]]
    assert slugs == ["created", "gallery_item_created"]
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


# --- the domain event as the webhooks deliver it (docs/behaviour.md §8.1, §8.2) --


def test_record_keeps_bookkeeping_apart_from_the_wix_domain_event(api, client, make):
    gallery = api.create_gallery(items=[make.text("a")])
    record = client.get(f"/_fake/events?siteId={SITE}").json["events"][1]
    assert list(record) == ["eventType", "siteId", "domainEvent"]
    assert record["eventType"] == ev.ITEM_CREATED
    assert record["siteId"] == SITE
    event = record["domainEvent"]
    # Wix's webhook field order; the body member last
    assert list(event) == [
        "id",
        "entityFqdn",
        "slug",
        "entityId",
        "eventTime",
        "triggeredByAnonymizeRequest",
        "entityEventSequence",
        "actionEvent",
    ]
    assert event["entityFqdn"] == "wix.pro_gallery.v2.gallery"
    assert event["entityId"] == gallery["id"]
    assert "siteId" not in event
    assert "eventType" not in event
    # Wix's eventTime always has six fraction digits, even at a whole second
    assert event["eventTime"] == "2026-01-02T03:04:05.000000Z"


def test_entity_event_sequence_counts_per_gallery(api, fake, make):
    one = api.create_gallery(items=[make.text("a")])
    two = api.create_gallery()
    api.patch(f"galleries/{one['id']}", {"gallery": {"name": "renamed"}})
    api.delete(f"galleries/{one['id']}")
    by_gallery: dict[str, list[str]] = {}
    for event in fake.events.list(SITE):
        data = event.to_dict()
        by_gallery.setdefault(data["entityId"], []).append(data["entityEventSequence"])
    # created, item created, updated, item deleted (cascade), deleted
    assert by_gallery[one["id"]] == ["1", "2", "3", "4", "5"]
    assert by_gallery[two["id"]] == ["1"]


def test_sequence_survives_dump_and_restore(api, fake, make):
    gallery = api.create_gallery(items=[make.text("a")])
    saved = fake.dump()
    fake.reset()
    fake.restore(saved)
    api.patch(f"galleries/{gallery['id']}", {"gallery": {"name": "n"}})
    assert fake.events.list(SITE)[-1].to_dict()["entityEventSequence"] == "3"


def test_entity_fqdn_switch(make):
    from fakegallery import create_app

    app = create_app({"EVENT_ENTITY_FQDN": "wix.pro_gallery.gallery_v2"})
    headers = {"Authorization": "k", "wix-site-id": SITE}
    app.test_client().post(
        "/pro-gallery/v2/galleries", json={"gallery": {}}, headers=headers
    )
    record = app.test_client().get("/_fake/events").json["events"][0]
    assert record["domainEvent"]["entityFqdn"] == "wix.pro_gallery.gallery_v2"


def test_entity_fqdn_setting_refuses_other_values():
    import pytest

    from fakegallery import create_app
    from fakegallery.config import SettingsError

    with pytest.raises(SettingsError, match="EVENT_ENTITY_FQDN must be one of"):
        create_app({"EVENT_ENTITY_FQDN": "wix.pro_gallery"})


def _event(site: str, gallery: str, n: int) -> ev.Event:
    return ev.Event.of(
        id=f"e{n}",
        event_type=ev.ITEM_CREATED,
        site_id=site,
        entity_id=gallery,
        event_time="2026-01-01T00:00:00.000000Z",
        body={"actionEvent": {"body": {"itemId": f"i{n}"}}},
    )


@pytest.mark.parametrize("max_events", [1, 7, 1000])
def test_drop_site_keeps_every_other_event_in_order(max_events: int) -> None:
    """Against a plain list: publish appends and drops the oldest beyond the
    bound (at least one: the newest is always kept), drop_site filters."""
    log = ev.EventLog(max_events=max_events)
    model: list[str] = []
    rng = random.Random(max_events)
    sites = ["s1", "s2", "s3"]
    for n in range(200):
        if rng.random() < 0.1:
            site = rng.choice([*sites, "nobody"])
            log.drop_site(site)
            model = [e for e in model if not e.startswith(site)]
        else:
            # runs of one site (a test's writes) between interleaved ones
            site = sites[n // 10 % 3] if n < 100 else rng.choice(sites)
            log.publish(_event(site, f"g-{site}", n))
            model = [*model, f"{site}:{n}"][-max_events:]
        assert [f"{e.site_id}:{e.id[1:]}" for e in log.list()] == model
    log.drop_site("s2")
    log.publish(_event("s2", "g-s2", 999))
    assert [e.sequence for e in log.list("s2")] == [1]  # sequences went too


def test_drop_site_after_restore_and_payload_is_compact() -> None:
    log = ev.EventLog()
    for n in range(5):
        log.publish(_event("s1" if n % 2 else "s2", "g", n))
    restored = ev.EventLog()
    restored.restore(orjson.loads(orjson.dumps(log.dump())))
    restored.drop_site("s1")
    assert [e.id for e in restored.list()] == ["e0", "e2", "e4"]
    event = restored.list()[0]
    assert event.payload == b'{"actionEvent":{"body":{"itemId":"i0"}}}'
    assert event.body == {"actionEvent": {"body": {"itemId": "i0"}}}
