"""The state components: one protocol (reset, drop one site, dump, restore),
applied to all of them in one place. A dump captures everything a restarted
fake needs to continue (ids and clock included, media bytes too)."""

from __future__ import annotations

import io
from typing import Any

import orjson
import pytest
from PIL import Image

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.state.component import Components

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
OTHER = "5a1e0c7d-2222-4222-8333-944455566677"
HEADERS = {"Authorization": "k", "wix-site-id": SITE}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def fill(fake: FakeGallery, site: str) -> None:
    """Touch every component for `site`: galleries, items, a widget, media,
    the published flag, events, a webhook and its (paused) deliveries."""
    fake.webhooks.dispatcher.set_mode("paused")
    fake.webhooks.subscriptions.add(f"http://127.0.0.1:9/{site}", None, site)
    image = {"image": {"imageInfo": {"id": "m.jpg", "width": 4, "height": 3}}}
    made = fake.site.add_editor_gallery(site, {"name": "E", "items": [image]})
    fake.gallery.create_gallery(site, {"gallery": {"name": "B", "items": [image]}})
    fake.site.connect(site, made["widget"]["id"], None)
    fake.site.upload_media(site, png(), "p.png")
    fake.site.set_published(site, False)


def snapshot(fake: FakeGallery, site: str) -> Any:
    return (
        fake.gallery.site_state(site),
        fake.site.live_view(site),
        [m.to_dict() for m in fake.media.list(site)],
        [e.to_record() for e in fake.events.list(site)],
        [w.to_dict() for w in fake.webhooks.subscriptions.list(site)],
        fake.webhooks.log.select(lambda d: d.site_id == site),
    )


@pytest.fixture
def fake() -> FakeGallery:
    return get_fake(create_app({"SEED": 11, "FROZEN_TIME": "2026-01-02T03:04:05Z"}))


def test_every_component_follows_the_protocol(fake: FakeGallery) -> None:
    names = [c.name for c in fake.components]
    assert names == [
        "clock",
        "ids",
        "store",
        "live",
        "media",
        "events",
        "errors",
        "webhooks",
        "deliveries",
        "webhookDelivery",
        "journal",
        "faults",
        "rateLimit",
    ]
    for component in fake.components:
        for method in ("reset", "drop_site", "dump", "restore"):
            assert callable(getattr(component, method)), (component.name, method)


def test_component_names_must_be_unique(fake: FakeGallery) -> None:
    with pytest.raises(ValueError, match="unique"):
        Components([fake.store, fake.store])


def test_reset_is_a_fresh_fake(fake: FakeGallery) -> None:
    fresh = get_fake(create_app({"SEED": 11, "FROZEN_TIME": "2026-01-02T03:04:05Z"}))
    fill(fake, SITE)
    fake.clock.advance(60)
    fake.errors.record(RuntimeError("x"))
    fake.reset()
    assert orjson.dumps(fake.dump()) == orjson.dumps(fresh.dump())
    # and it continues like a fresh one: the same ids are drawn next
    assert fake.ids.guid() == fresh.ids.guid()


def test_drop_site_forgets_one_site_in_every_component(fake: FakeGallery) -> None:
    fill(fake, SITE)
    fill(fake, OTHER)
    other_before = snapshot(fake, OTHER)
    assert snapshot(fake, SITE)[5], "fill made pending webhook deliveries"
    fake.drop_site(SITE)
    assert snapshot(fake, SITE) == (
        {"siteId": SITE, "galleries": []},
        {"siteId": SITE, "published": True, "pages": []},
        [],
        [],
        [],
        [],
    )
    assert snapshot(fake, OTHER) == other_before
    dumped = fake.dump()
    assert SITE not in dumped["store"]["sites"]
    assert SITE not in dumped["live"]
    assert SITE not in dumped["media"]


def test_dump_restore_round_trip_through_json(fake: FakeGallery) -> None:
    fill(fake, SITE)
    fake.clock.advance(90)
    dumped = orjson.loads(orjson.dumps(fake.dump()))
    restored = get_fake(create_app({"SEED": 99}))
    restored.restore(dumped)
    assert snapshot(restored, SITE) == snapshot(fake, SITE)
    assert orjson.dumps(restored.dump()) == orjson.dumps(fake.dump())
    # media bytes come back
    [media] = restored.media.list(SITE)
    assert media.data == png()
    # ids, sortOrders and the clock continue, not repeat
    assert restored.ids.guid() == fake.ids.guid()
    assert restored.ids.request_id() == fake.ids.request_id()
    assert restored.clock.now() == fake.clock.now()
    assert restored.clock.next_sort_order() == fake.clock.next_sort_order()


def test_restore_keeps_the_exact_item_bytes(fake: FakeGallery) -> None:
    fill(fake, SITE)
    restored = get_fake(create_app())
    restored.restore(orjson.loads(orjson.dumps(fake.dump())))
    for gallery in fake.store.list_galleries(SITE):
        before = [i.body for i in fake.store.list_items(SITE, gallery.id)]
        after = [i.body for i in restored.store.list_items(SITE, gallery.id)]
        assert after == before


def test_restore_of_a_partial_dump_resets_the_rest(fake: FakeGallery) -> None:
    fill(fake, SITE)
    fake.restore({"clock": fake.clock.dump()})
    assert fake.store.site_ids() == []
    assert fake.events.list() == []
    assert fake.media.list(SITE) == ()


def test_server_errors_are_dumped_as_text_and_bounded(fake: FakeGallery) -> None:
    for index in range(fake.errors._errors.maxlen or 0):
        fake.errors.record(RuntimeError(f"e{index}"))
    fake.errors.record(RuntimeError("one too many"))
    dumped = fake.errors.dump()
    assert dumped["dropped"] == 1
    assert "RuntimeError: one too many" in dumped["errors"][-1]
    fake.errors.restore(dumped)
    assert fake.take_errors() == []
    assert fake.errors.dropped == 1 + len(dumped["errors"])


def test_the_control_plane_reset_uses_the_same_drop(fake: FakeGallery) -> None:
    app = create_app({"SEED": 5})
    other = get_fake(app)
    fill(other, SITE)
    fill(other, OTHER)
    kept = snapshot(other, OTHER)
    client = app.test_client()
    assert client.post(f"/_fake/reset?siteId={SITE}").status_code == 200
    assert other.gallery.site_state(SITE)["galleries"] == []
    assert other.media.list(SITE) == ()
    assert snapshot(other, OTHER) == kept
