"""Webhook subscriptions: callback URLs with an optional event-type filter and
an optional site. A component (state/component.py): a reset keeps only the
WEBHOOKS of the settings, dropping a site drops the subscriptions bound to it.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, NamedTuple
from urllib.parse import urlsplit

from ...errors import (
    FORMAT,
    MAX_SIZE,
    MIN_SIZE,
    ONE_OF,
    REQUIRED_FIELD,
    UNKNOWN_FIELD,
    InvalidArgument,
    NotFound,
)
from ...state.component import NO_CHANGES, ChangeSink
from ...state.events import EVENT_TYPES, Event
from .signing import require_crypto

Json = dict[str, Any]

#: How many subscriptions the fake keeps (each URL at most MAX_URL_LENGTH).
MAX_SUBSCRIPTIONS = 1000
MAX_URL_LENGTH = 2048
MAX_SITE_ID_LENGTH = 200
FIELDS = ("url", "events", "siteId")


class Subscription(NamedTuple):
    id: str
    url: str
    #: Event types to send; None sends all six.
    events: tuple[str, ...] | None
    #: The one site whose events are sent; None sends every site's.
    site_id: str | None
    created_at: str

    def wants(self, event: Event) -> bool:
        return (self.site_id is None or self.site_id == event.site_id) and (
            self.events is None or event.event_type in self.events
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "url": self.url,
            "events": list(self.events) if self.events is not None else None,
            "siteId": self.site_id,
            "createdAt": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: Json) -> Subscription:
        events = data.get("events")
        return cls(
            id=data["id"],
            url=data["url"],
            events=tuple(events) if events is not None else None,
            site_id=data.get("siteId"),
            created_at=data["createdAt"],
        )


def _bad(field: str, text: str, rule: str, **data: Any) -> InvalidArgument:
    return InvalidArgument.one(field, text, rule, **data)


def check_url(url: Any, field: str = "url") -> str:
    if not isinstance(url, str) or not url.strip():
        raise _bad(field, "is required: an http:// or https:// URL", REQUIRED_FIELD)
    if len(url) > MAX_URL_LENGTH:
        raise _bad(
            field,
            f"must be at most {MAX_URL_LENGTH} characters",
            MAX_SIZE,
            max=MAX_URL_LENGTH,
        )
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad(field, "must be an http:// or https:// URL with a host", FORMAT)
    return url.strip()


def check_request(data: Any) -> tuple[str, tuple[str, ...] | None, str | None]:
    """Validate a `POST /_fake/webhooks` body: `{url, events?, siteId?}`."""
    if not isinstance(data, Mapping):
        raise _bad("body", "must be a JSON object", FORMAT, type="object")
    for key in data:
        if key not in FIELDS:
            raise _bad(key, f"is not a field; use {', '.join(FIELDS)}", UNKNOWN_FIELD)
    url = check_url(data.get("url"))
    events = check_events(data.get("events"))
    site_id = data.get("siteId")
    if site_id is not None and (
        not isinstance(site_id, str)
        or not site_id.strip()
        or len(site_id) > MAX_SITE_ID_LENGTH
    ):
        raise _bad("siteId", "must be a non-empty site id or null", FORMAT)
    return url, events, site_id.strip() if site_id else None


def check_events(events: Any, field: str = "events") -> tuple[str, ...] | None:
    if events is None:
        return None
    if not isinstance(events, list | tuple) or not events:
        raise _bad(field, "must be a non-empty list of event types", MIN_SIZE, min=1)
    for index, event_type in enumerate(events):
        if event_type not in EVENT_TYPES:
            raise _bad(
                f"{field}[{index}]",
                f"must be one of {', '.join(EVENT_TYPES)}",
                ONE_OF,
                allowed=list(EVENT_TYPES),
            )
    return tuple(dict.fromkeys(events))


class Subscriptions:
    """The subscription list (thread-safe). Ids are `webhook-<n>`."""

    name: ClassVar[str] = "webhooks"

    def __init__(self, now: Callable[[], str], configured: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._now = now
        self._configured = tuple(configured)
        self._subs: dict[str, Subscription] = {}
        self._counter = 0
        #: Durable mode stores the list after each change (persistence/); the
        #: call comes after `_lock` is released, never while holding it.
        self.changes: ChangeSink = NO_CHANGES
        self.reset()

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._subs.clear()
            self._counter = 0
            for url in self._configured:
                self._add(url, None, None)
        self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        with self._lock:
            for sub in [s for s in self._subs.values() if s.site_id == site_id]:
                del self._subs[sub.id]
        self.changes.changed(self.name)

    def dump(self) -> Json:
        with self._lock:
            return {
                "subscriptions": [s.to_dict() for s in self._subs.values()],
                "counter": self._counter,
            }

    def restore(self, data: Json) -> None:
        subs = [Subscription.from_dict(s) for s in data["subscriptions"]]
        with self._lock:
            self._subs = {s.id: s for s in subs}
            self._counter = int(data.get("counter", len(subs)))
        self.changes.changed(self.name)

    # --- the export document (transfer/document.py) --------------------------------

    def export_part(self) -> Json:
        return self.dump()

    def check_part(self, value: Any, path: str) -> Json:
        from .exchange import check_part

        return check_part(value, path)

    def import_part(self, checked: Json) -> None:
        self.restore(checked)

    # --- changes --------------------------------------------------------------------

    def _add(
        self, url: str, events: tuple[str, ...] | None, site_id: str | None
    ) -> Subscription:
        self._counter += 1
        sub_id = f"webhook-{self._counter}"
        sub = Subscription(sub_id, url, events, site_id, self._now())
        self._subs[sub.id] = sub
        return sub

    def add(
        self, url: str, events: tuple[str, ...] | None, site_id: str | None
    ) -> Subscription:
        """Subscribe `url` (already checked); 400 when the list is full, 501
        without the `webhooks` extra (nothing could sign its deliveries)."""
        require_crypto()
        with self._lock:
            if len(self._subs) >= MAX_SUBSCRIPTIONS:
                raise _bad(
                    "url",
                    f"cannot be added: the fake keeps at most {MAX_SUBSCRIPTIONS} "
                    "webhooks; delete one first",
                    MAX_SIZE,
                    max=MAX_SUBSCRIPTIONS,
                )
            sub = self._add(url, events, site_id)
        self.changes.changed(self.name)
        return sub

    def remove(self, webhook_id: str) -> Subscription:
        with self._lock:
            sub = self._subs.pop(webhook_id, None)
        if sub is not None:
            self.changes.changed(self.name)
        if sub is None:
            raise NotFound(
                f"no webhook '{webhook_id}'; GET /_fake/webhooks lists them",
                {"webhookId": webhook_id},
            )
        return sub

    # --- reading --------------------------------------------------------------------

    def __bool__(self) -> bool:
        return bool(self._subs)

    def list(self, site_id: str | None = None) -> list[Subscription]:
        """All subscriptions, or those that receive `site_id`'s events."""
        with self._lock:
            subs = list(self._subs.values())
        return [s for s in subs if site_id is None or s.site_id in (None, site_id)]

    def matching(self, event: Event) -> builtins.list[Subscription]:
        with self._lock:
            return [s for s in self._subs.values() if s.wants(event)]
