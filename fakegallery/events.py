"""Domain events the fake records after each successful write (spec §8.1, §8.5)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

FQDN = "wix.pro_gallery.gallery_v2"  # spec §8.1 / §12.9: the eventType prefix
GALLERY_CREATED = f"{FQDN}_created"
GALLERY_UPDATED = f"{FQDN}_updated"
GALLERY_DELETED = f"{FQDN}_deleted"
ITEM_CREATED = f"{FQDN}_gallery_item_created"
ITEM_UPDATED = f"{FQDN}_gallery_item_updated"
ITEM_DELETED = f"{FQDN}_gallery_item_deleted"
ORIGINATED_FROM_GALLERY_DELETED = "Gallery Deleted"


@dataclass(frozen=True, slots=True)
class Event:
    """One domain event: `entity_id` is the gallery id, also for item events."""

    id: str
    event_type: str
    site_id: str
    entity_id: str
    event_time: str
    body: dict[str, Any]
    originated_from: str | None = None

    @property
    def slug(self) -> str:
        return self.event_type[len(FQDN) + 1 :]

    def to_dict(self) -> dict[str, Any]:
        """The domain event as Wix puts it inside a webhook (spec §8.2)."""
        out: dict[str, Any] = {
            "id": self.id,
            "entityFqdn": FQDN,
            "slug": self.slug,
            "entityId": self.entity_id,
            "eventTime": self.event_time,
            "triggeredByAnonymizeRequest": False,
        }
        if self.originated_from:
            out["originatedFrom"] = self.originated_from
        out.update(self.body)
        return out


class EventLog:
    """An ordered, bounded, thread-safe record of events (oldest dropped first)."""

    def __init__(self, max_events: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._events: deque[Event] = deque(maxlen=max_events)
        self.dropped = 0

    def append(self, event: Event) -> None:
        with self._lock:
            if len(self._events) == self._events.maxlen:
                self.dropped += 1
            self._events.append(event)

    def list(self, site_id: str | None = None) -> list[Event]:
        with self._lock:
            return [e for e in self._events if site_id in (None, e.site_id)]

    def clear(self, site_id: str | None = None) -> None:
        with self._lock:
            if site_id is None:
                self._events.clear()
                self.dropped = 0
            else:
                kept = [e for e in self._events if e.site_id != site_id]
                self._events.clear()
                self._events.extend(kept)
