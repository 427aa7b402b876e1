"""One webhook delivery and its attempts, as the delivery log (log.py) keeps
them and the control plane shows them (docs/webhooks.md#the-delivery-log)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import orjson

from ...state.clock import format_precise, parse_time

Json = dict[str, Any]

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
STATES = (PENDING, DELIVERED, DEAD)
#: Eviction order when the log is over a bound.
EVICTION_ORDER = (DELIVERED, DEAD, PENDING)
#: Bytes counted per entry and per attempt besides their strings.
ENTRY_OVERHEAD = 400
ATTEMPT_OVERHEAD = 100


class Attempt(NamedTuple):
    """One POST: when (the fake's clock), how long, and the HTTP status or
    the error (timeout, connection refused, ...); `response` is the start of
    a non-2xx answer's body."""

    at: str
    duration_ms: float
    status: int | None = None
    error: str | None = None
    response: str | None = None

    @property
    def size(self) -> int:
        return ATTEMPT_OVERHEAD + len(self.error or "") + len(self.response or "")

    def to_dict(self) -> Json:
        out: Json = {"at": self.at, "durationMs": self.duration_ms}
        if self.status is not None:
            out["status"] = self.status
        if self.error is not None:
            out["error"] = self.error
        if self.response is not None:
            out["response"] = self.response
        return out

    @classmethod
    def from_dict(cls, data: Json) -> Attempt:
        return cls(
            at=data["at"],
            duration_ms=data["durationMs"],
            status=data.get("status"),
            error=data.get("error"),
            response=data.get("response"),
        )


class Delivery:
    """One event sent to one subscription: its state, its attempts and the
    exact token of the last one. Changed in place as attempts are made (a
    plain slotted class, see state/entries.py's Entry)."""

    __slots__ = (
        "attempts",
        "created_at",
        "event_id",
        "event_type",
        "id",
        "in_flight",
        "next_attempt_at",
        "payload",
        "redelivery_of",
        "site_id",
        "state",
        "token",
        "url",
        "webhook_id",
    )

    def __init__(
        self,
        *,
        id: str,
        webhook_id: str,
        url: str,
        event_id: str,
        event_type: str,
        site_id: str,
        payload: str,
        created_at: str,
        next_attempt_at: datetime | None,
        state: str = PENDING,
        attempts: list[Attempt] | None = None,
        token: str | None = None,
        redelivery_of: str | None = None,
    ) -> None:
        self.id = id
        self.webhook_id = webhook_id
        self.url = url
        self.event_id = event_id
        self.event_type = event_type
        self.site_id = site_id
        #: The JWT's `data` claim (envelope.payload), fixed at the event.
        self.payload = payload
        self.created_at = created_at
        #: When the next attempt is due on the fake's clock; None once finished.
        self.next_attempt_at = next_attempt_at
        self.state = state
        self.attempts: list[Attempt] = attempts if attempts is not None else []
        #: The exact JWT of the last attempt.
        self.token = token
        self.redelivery_of = redelivery_of
        self.in_flight = False

    @property
    def size(self) -> int:
        strings = len(self.payload) + len(self.token or "") + len(self.url)
        return ENTRY_OVERHEAD + strings + sum(a.size for a in self.attempts)

    def to_dict(self) -> Json:
        """The control plane's view; `event` is the domain event sent."""
        envelope = orjson.loads(self.payload)
        return {
            "id": self.id,
            "webhookId": self.webhook_id,
            "url": self.url,
            "eventId": self.event_id,
            "eventType": self.event_type,
            "siteId": self.site_id,
            "instanceId": envelope["instanceId"],
            "state": self.state,
            "attempts": [a.to_dict() for a in self.attempts],
            "nextAttemptAt": (
                format_precise(self.next_attempt_at) if self.next_attempt_at else None
            ),
            "createdAt": self.created_at,
            "redeliveryOf": self.redelivery_of,
            "event": orjson.loads(envelope["data"]),
            "jwt": self.token,
        }

    def dump(self) -> Json:
        out = self.to_dict()
        del out["event"], out["instanceId"]
        out["payload"] = self.payload
        return out

    @classmethod
    def from_dump(cls, data: Json) -> Delivery:
        due = data.get("nextAttemptAt")
        return cls(
            id=data["id"],
            webhook_id=data["webhookId"],
            url=data["url"],
            event_id=data["eventId"],
            event_type=data["eventType"],
            site_id=data["siteId"],
            payload=data["payload"],
            created_at=data["createdAt"],
            next_attempt_at=parse_time(due) if due else None,
            state=data["state"],
            attempts=[Attempt.from_dict(a) for a in data["attempts"]],
            token=data.get("jwt"),
            redelivery_of=data.get("redeliveryOf"),
        )
