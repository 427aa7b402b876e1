"""Domain events: what each successful write publishes (docs/behaviour.md §8.1,
§8.5), the bounded log that records them, and the subscribers that receive them.

`EventLog.publish` records an event and hands it to every subscriber in the
publishing thread (synchronously, so a test sees the effect as soon as the
write answers). The webhook sender is such a subscriber.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any, ClassVar

Json = dict[str, Any]

# docs/behaviour.md §8.1: every eventType is this prefix, "_" and the slug.
EVENT_TYPE_PREFIX = "wix.pro_gallery.gallery_v2"
GALLERY_CREATED = f"{EVENT_TYPE_PREFIX}_created"
GALLERY_UPDATED = f"{EVENT_TYPE_PREFIX}_updated"
GALLERY_DELETED = f"{EVENT_TYPE_PREFIX}_deleted"
ITEM_CREATED = f"{EVENT_TYPE_PREFIX}_gallery_item_created"
ITEM_UPDATED = f"{EVENT_TYPE_PREFIX}_gallery_item_updated"
ITEM_DELETED = f"{EVENT_TYPE_PREFIX}_gallery_item_deleted"
EVENT_TYPES = (
    GALLERY_CREATED,
    GALLERY_UPDATED,
    GALLERY_DELETED,
    ITEM_CREATED,
    ITEM_UPDATED,
    ITEM_DELETED,
)
ORIGINATED_FROM_GALLERY_DELETED = "Gallery Deleted"

# docs/behaviour.md §8.6: the `entityFqdn` inside the domain event. The SDK's
# own FQDN and Wix's sample payload use the first; doc prose uses the second
# (the setting WEBHOOK_ENTITY_FQDN picks one).
ENTITY_FQDN = "wix.pro_gallery.v2.gallery"
ENTITY_FQDNS = (ENTITY_FQDN, EVENT_TYPE_PREFIX)

#: How many events the log keeps before it drops the oldest.
MAX_EVENTS = 10_000


@dataclass(frozen=True, slots=True)
class Event:
    """One domain event: `entity_id` is the gallery id, also for item events."""

    id: str
    event_type: str
    site_id: str
    entity_id: str
    event_time: str
    body: Json
    originated_from: str | None = None
    entity_fqdn: str = ENTITY_FQDN
    #: `entityEventSequence` (docs/behaviour.md §8.2), set by `EventLog.publish`.
    sequence: str | None = None

    @property
    def slug(self) -> str:
        return self.event_type[len(EVENT_TYPE_PREFIX) + 1 :]

    def to_dict(self) -> Json:
        """The domain event as Wix puts it inside a webhook (docs/behaviour.md §8.2)."""
        out: Json = {
            "id": self.id,
            "entityFqdn": self.entity_fqdn,
            "slug": self.slug,
            "entityId": self.entity_id,
            "eventTime": self.event_time,
            "triggeredByAnonymizeRequest": False,
        }
        if self.originated_from:
            out["originatedFrom"] = self.originated_from
        if self.sequence is not None:
            out["entityEventSequence"] = self.sequence
        out.update(self.body)
        return out

    def to_record(self) -> Json:
        """What /_fake/events lists: the event type, the site, the domain event."""
        return {"eventType": self.event_type, "siteId": self.site_id, **self.to_dict()}


Subscriber = Callable[[Event], None]


class EventLog:
    """An ordered, bounded, thread-safe record of events (oldest dropped first)
    with synchronous subscribers. A component (state/component.py).

    Publishing stamps each event with the configured `entityFqdn` and the next
    `entityEventSequence`: one app-wide counter, so the sequence of every
    entity increases (Wix promises no more; docs/behaviour.md §8.2)."""

    name: ClassVar[str] = "events"

    def __init__(
        self, max_events: int = MAX_EVENTS, entity_fqdn: str = ENTITY_FQDN
    ) -> None:
        self._lock = threading.Lock()
        self._events: deque[Event] = deque(maxlen=max_events)
        self._subscribers: list[Subscriber] = []
        self.entity_fqdn = entity_fqdn
        self.dropped = 0
        self._sequence = 0

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
            self.dropped = 0
            self._sequence = 0

    def drop_site(self, site_id: str) -> None:
        with self._lock:
            kept = [e for e in self._events if e.site_id != site_id]
            self._events.clear()
            self._events.extend(kept)

    def dump(self) -> Json:
        with self._lock:
            return {
                "events": [asdict(e) for e in self._events],
                "dropped": self.dropped,
                "sequence": self._sequence,
            }

    def restore(self, data: Json) -> None:
        events = [Event(**e) for e in data["events"]]
        with self._lock:
            self._events.clear()
            self._events.extend(events)
            self.dropped = int(data.get("dropped", 0))
            self._sequence = int(data.get("sequence", 0))

    # --- publishing ---------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber(event)` for every event published from now on;
        returns a function that unsubscribes."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Stamp and record the event, then hand it to each subscriber in this
        thread."""
        with self._lock:
            self._sequence += 1
            event = replace(
                event, entity_fqdn=self.entity_fqdn, sequence=str(self._sequence)
            )
            if len(self._events) == self._events.maxlen:
                self.dropped += 1
            self._events.append(event)
            subscribers = tuple(self._subscribers)
        for subscriber in subscribers:
            subscriber(event)

    def list(self, site_id: str | None = None) -> list[Event]:
        with self._lock:
            return [e for e in self._events if site_id in (None, e.site_id)]
