"""The domain events the operations record after a successful write (spec §8.1)."""

from __future__ import annotations

import orjson

from . import events as ev
from .clock import format_precise
from .fake import FakeGallery
from .service_common import Body, gallery_wire
from .store import Gallery


def _emit(
    fake: FakeGallery,
    site_id: str,
    event_type: str,
    gallery_id: str,
    body: Body,
    originated_from: str | None = None,
) -> None:
    """Record a domain event; `entityId` is the gallery id, also for item
    events (spec §8.1 [INF])."""
    fake.events.append(
        ev.Event(
            id=fake.ids.request_id(),
            event_type=event_type,
            site_id=site_id,
            entity_id=gallery_id,
            event_time=format_precise(fake.clock.now()),
            body=body,
            originated_from=originated_from,
        )
    )


def item_event(
    fake: FakeGallery,
    site_id: str,
    event_type: str,
    gallery_id: str,
    body: Body,
    originated_from: str | None = None,
) -> None:
    """Record an item event: `body` wrapped in an `actionEvent`."""
    action = {"actionEvent": {"body": body}}
    _emit(fake, site_id, event_type, gallery_id, action, originated_from)


def gallery_event(
    fake: FakeGallery, site_id: str, event_type: str, gallery: Gallery | None, gid: str
) -> None:
    """Record a gallery event; `gallery` None means it was deleted."""
    if gallery is None:
        body: Body = {"deletedEvent": {}}
    else:
        # spec §8.1: gallery events leave out the items but keep totalItems.
        entity = gallery_wire(fake, site_id, gallery, with_items=False)
        key = "createdEvent" if event_type == ev.GALLERY_CREATED else "updatedEvent"
        field = "entity" if key == "createdEvent" else "currentEntity"
        body = {key: {field: orjson.loads(orjson.dumps(entity))}}
    _emit(fake, site_id, event_type, gid, body)
