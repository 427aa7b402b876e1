"""Domain events: what each successful write publishes (docs/behaviour.md §8.1,
§8.5), the bounded log that records them, and the subscribers that receive them.

`EventLog.publish` records an event and hands it to every subscriber in the
publishing thread (synchronously, so a test sees the effect as soon as the
write answers). The webhook sender is such a subscriber.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, NamedTuple

import orjson

from . import compact

Json = dict[str, Any]

FQDN = "wix.pro_gallery.gallery_v2"  # docs/behaviour.md §8.1: the eventType prefix
#: docs/behaviour.md §8.1: the domain event's `entityFqdn` — the SDK's own FQDN
#: and Wix's sample payload (the default), or the doc prose's spelling.
ENTITY_FQDNS = ("wix.pro_gallery.v2.gallery", FQDN)  # as in config.py
ENTITY_FQDN = ENTITY_FQDNS[0]
GALLERY_CREATED = f"{FQDN}_created"
GALLERY_UPDATED = f"{FQDN}_updated"
GALLERY_DELETED = f"{FQDN}_deleted"
ITEM_CREATED = f"{FQDN}_gallery_item_created"
ITEM_UPDATED = f"{FQDN}_gallery_item_updated"
ITEM_DELETED = f"{FQDN}_gallery_item_deleted"
EVENT_TYPES = (
    GALLERY_CREATED,
    GALLERY_UPDATED,
    GALLERY_DELETED,
    ITEM_CREATED,
    ITEM_UPDATED,
    ITEM_DELETED,
)
ORIGINATED_FROM_GALLERY_DELETED = "Gallery Deleted"

#: How many events, and how many bytes of events, the log keeps before it
#: drops the oldest (settings EVENT_LOG_MAX_COUNT and EVENT_LOG_MAX_BYTES).
MAX_EVENTS = 10_000
MAX_EVENT_BYTES = 32 * 1024 * 1024
#: What an event costs beyond its payload's JSON bytes.
EVENT_OVERHEAD = 512


class Event(NamedTuple):
    """One domain event: `entity_id` is the gallery id, also for item events.
    The log fills `entity_fqdn` and `sequence` when it publishes the event.

    `payload` is the JSON object whose members follow the envelope's (e.g.
    ``{"actionEvent": {...}}``), kept as compact bytes: a recorded event costs
    its JSON and little more (docs/performance.md, memory). `body` parses it."""

    id: str
    event_type: str
    site_id: str
    entity_id: str
    event_time: str
    payload: bytes
    originated_from: str | None = None
    entity_fqdn: str = ENTITY_FQDN
    #: `entityEventSequence`: 1, 2, 3 … per entity (gallery) of a site.
    sequence: int | None = None

    @classmethod
    def of(cls, *, body: Any, **fields: Any) -> Event:
        """An event with `body` (JSON values; orjson Fragments of stored JSON
        are taken as they are) as its payload."""
        return cls(payload=compact.dumps(body), **fields)

    @property
    def body(self) -> Json:
        """The payload as a fresh dict."""
        body: Json = orjson.loads(self.payload)
        return body

    @property
    def slug(self) -> str:
        return self.event_type[len(FQDN) + 1 :]

    def to_dict(self) -> Json:
        """The domain event exactly as Wix puts it inside a webhook, in the
        order of Wix's webhook reference (docs/behaviour.md §8.2)."""
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
            out["entityEventSequence"] = str(self.sequence)
        out.update(self.body)
        return out

    def size(self) -> int:
        """What the event counts for the log's byte bound."""
        return EVENT_OVERHEAD + len(self.payload)

    def to_record(self) -> Json:
        """What /_fake/events lists: the fake's bookkeeping (`eventType`, also
        the webhook envelope's, and `siteId`) next to the untouched Wix
        domain event (docs/control-plane.md)."""
        return {
            "eventType": self.event_type,
            "siteId": self.site_id,
            "domainEvent": self.to_dict(),
        }


def _dumped(event: Event) -> Json:
    """An event as plain JSON values (the payload parsed, as `body`)."""
    return {
        "id": event.id,
        "event_type": event.event_type,
        "site_id": event.site_id,
        "entity_id": event.entity_id,
        "event_time": event.event_time,
        "body": event.body,
        "originated_from": event.originated_from,
        "entity_fqdn": event.entity_fqdn,
        "sequence": event.sequence,
    }


def _restored(data: Json) -> Event:
    fields = dict(data)
    return Event.of(body=fields.pop("body"), **fields)


Subscriber = Callable[[Event], None]


class EventLog:
    """An ordered, thread-safe record of events with synchronous subscribers,
    bounded by count and by bytes: the oldest events are dropped first and
    counted in `dropped`; the newest event is always kept. A component
    (state/component.py)."""

    name: ClassVar[str] = "events"

    def __init__(
        self,
        max_events: int = MAX_EVENTS,
        max_bytes: int = MAX_EVENT_BYTES,
        entity_fqdn: str = ENTITY_FQDN,
    ) -> None:
        self._lock = threading.Lock()
        self.max_events = max_events
        self.max_bytes = max_bytes
        self._events: deque[tuple[Event, int]] = deque()
        self._bytes = 0
        self._subscribers: list[Subscriber] = []
        self.entity_fqdn = entity_fqdn
        #: (site, entity) → the last entityEventSequence given; an entry goes
        #: with its gallery's deleted event, so live galleries bound it.
        self._sequences: dict[tuple[str, str], int] = {}
        #: site → the (site, entity) keys of `_sequences` it has
        self._site_keys: dict[str, set[tuple[str, str]]] = {}
        #: site → how many of its events the log holds
        self._counts: Counter[str] = Counter()
        self.dropped = 0

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
            self._bytes = 0
            self._sequences.clear()
            self._site_keys.clear()
            self._counts.clear()
            self.dropped = 0

    def drop_site(self, site_id: str) -> None:
        """Forget the site's events and sequences. Its events are taken from
        the newest end of the log: a test's site, dropped when the test ends,
        costs what it recorded, not the log's size (docs/performance.md)."""
        with self._lock:
            left = self._counts.pop(site_id, 0)
            kept: list[tuple[Event, int]] = []
            while left:
                entry = self._events.pop()
                if entry[0].site_id == site_id:
                    left -= 1
                    self._bytes -= entry[1]
                else:
                    kept.append(entry)
            self._events.extend(reversed(kept))
            for key in self._site_keys.pop(site_id, ()):
                del self._sequences[key]

    def dump(self) -> Json:
        with self._lock:
            return {
                "events": [_dumped(e) for e, _ in self._events],
                "sequences": [[s, e, n] for (s, e), n in self._sequences.items()],
                "dropped": self.dropped,
            }

    def restore(self, data: Json) -> None:
        events = [_restored(e) for e in data["events"]]
        sequences = {(s, e): int(n) for s, e, n in data.get("sequences", ())}
        site_keys: dict[str, set[tuple[str, str]]] = {}
        for key in sequences:
            site_keys.setdefault(key[0], set()).add(key)
        with self._lock:
            self._events.clear()
            self._bytes = 0
            self._sequences = sequences
            self._site_keys = site_keys
            self._counts = Counter()
            self.dropped = int(data.get("dropped", 0))
            self._keep(events)

    @property
    def stored_bytes(self) -> int:
        with self._lock:
            return self._bytes

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
        """Record the event, then hand it to each subscriber in this thread."""
        self.publish_many((event,))

    def publish_many(self, events: Iterable[Event]) -> None:
        """Number each event in its entity's sequence and stamp the configured
        `entityFqdn`, record them in order, then hand each to every subscriber
        in this thread."""
        with self._lock:
            stamped = [self._stamp(event) for event in events]
            self._keep(stamped)
            subscribers = tuple(self._subscribers)
        for event in stamped:
            for subscriber in subscribers:
                subscriber(event)

    def last_sequence(self, site_id: str, entity_id: str) -> int:
        """The entity's last entityEventSequence (0: none yet). A write that
        builds many events ahead numbers them from here; `publish_many`
        numbers every event again, to the same number when nothing came
        between."""
        with self._lock:
            return self._sequences.get((site_id, entity_id), 0)

    def _stamp(self, event: Event) -> Event:
        key = (event.site_id, event.entity_id)
        number = self._sequences.get(key, 0) + 1
        if event.event_type == GALLERY_DELETED:
            if self._sequences.pop(key, None) is not None:  # its last event
                self._site_keys[key[0]].discard(key)
        else:
            self._sequences[key] = number
            self._site_keys.setdefault(key[0], set()).add(key)
        site, entity = sys.intern(event.site_id), sys.intern(event.entity_id)
        if (
            event.sequence == number
            and event.entity_fqdn == self.entity_fqdn
            and event.site_id is site
            and event.entity_id is entity
        ):
            return event  # numbered and stamped ahead (a bulk write's events)
        return event._replace(
            # one shared string per site and gallery, not one per event
            site_id=site,
            entity_id=entity,
            entity_fqdn=self.entity_fqdn,
            sequence=number,
        )

    def _keep(self, events: Iterable[Event]) -> None:
        for event in events:
            size = event.size()
            self._events.append((event, size))
            self._bytes += size
            self._counts[event.site_id] += 1
        while len(self._events) > 1 and (
            len(self._events) > self.max_events or self._bytes > self.max_bytes
        ):
            oldest, size = self._events.popleft()
            self._bytes -= size
            self.dropped += 1
            self._counts[oldest.site_id] -= 1
            if not self._counts[oldest.site_id]:
                del self._counts[oldest.site_id]

    def list(self, site_id: str | None = None) -> list[Event]:
        with self._lock:
            return [e for e, _ in self._events if site_id in (None, e.site_id)]
