"""The delivery log: one entry per (event, subscription) with its attempts and
state, bounded in entries and bytes. A component (state/component.py).

A delivery is `pending` until an attempt gets a 2xx (`delivered`) or the last
allowed attempt fails (`dead`, the dead-letter list). When the log is over a
bound it forgets the oldest delivered entry first, then the oldest dead one,
and a pending one only when nothing else is left; `dropped` counts every
forgotten entry and `droppedPending` those that were never delivered. The
newest entry is always kept, so one delivery larger than the byte bound is
still sent.

The log is also where senders meet: a sender claims a pending entry (marks it
in flight) before its HTTP attempt and finishes it afterwards, so two threads
never send the same delivery at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import orjson

from ...errors import DeliveryNotFound
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


@dataclass(slots=True)
class Attempt:
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


@dataclass(slots=True)
class Delivery:
    id: str
    webhook_id: str
    url: str
    event_id: str
    event_type: str
    site_id: str
    #: The JWT's `data` claim (envelope.payload), fixed at the event.
    payload: str
    created_at: str
    #: When the next attempt is due on the fake's clock; None once finished.
    next_attempt_at: datetime | None
    state: str = PENDING
    attempts: list[Attempt] = field(default_factory=list)
    #: The exact JWT of the last attempt.
    token: str | None = None
    redelivery_of: str | None = None
    in_flight: bool = False

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


Match = Callable[[Delivery], bool]


class DeliveryLog:
    """Thread-safe; every change notifies waiters (`wait_for`)."""

    name: ClassVar[str] = "deliveries"

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._cond = threading.Condition()
        self.reset()

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._cond:
            self._all: dict[str, Delivery] = {}
            # Per state, in the order entries reached it (oldest first).
            self._by_state: dict[str, dict[str, None]] = {s: {} for s in STATES}
            self._bytes = 0
            self._counter = 0
            self.dropped = 0
            self.dropped_pending = 0
            self._cond.notify_all()

    def drop_site(self, site_id: str) -> None:
        with self._cond:
            for entry in [d for d in self._all.values() if d.site_id == site_id]:
                self._forget(entry)

    def dump(self) -> Json:
        with self._cond:
            return {
                "deliveries": [d.dump() for d in self._all.values()],
                "counter": self._counter,
                "dropped": self.dropped,
                "droppedPending": self.dropped_pending,
            }

    def restore(self, data: Json) -> None:
        entries = [Delivery.from_dump(d) for d in data["deliveries"]]
        self.reset()
        with self._cond:
            for entry in entries:
                self._insert(entry)
            self._counter = int(data.get("counter", len(entries)))
            self.dropped = int(data.get("dropped", 0))
            self.dropped_pending = int(data.get("droppedPending", 0))

    # --- bookkeeping (callers hold the lock) ---------------------------------------

    def _insert(self, entry: Delivery) -> None:
        self._all[entry.id] = entry
        self._by_state[entry.state][entry.id] = None
        self._bytes += entry.size

    def _forget(self, entry: Delivery) -> None:
        del self._all[entry.id]
        del self._by_state[entry.state][entry.id]
        self._bytes -= entry.size

    def _evict(self, keep: str) -> None:
        while len(self._all) > self.max_entries or self._bytes > self.max_bytes:
            victim = next(
                (
                    self._all[entry_id]
                    for state in EVICTION_ORDER
                    for entry_id in self._by_state[state]
                    if entry_id != keep and not self._all[entry_id].in_flight
                ),
                None,
            )
            if victim is None:
                return
            self._forget(victim)
            self.dropped += 1
            if victim.state == PENDING:
                self.dropped_pending += 1

    # --- writing ------------------------------------------------------------------

    def add(self, make: Callable[[str], Delivery], count: int = 1) -> list[Delivery]:
        """Add `count` new entries, `make(id)` building each."""
        added = []
        with self._cond:
            for _ in range(count):
                self._counter += 1
                entry = make(f"delivery-{self._counter}")
                self._insert(entry)
                self._evict(keep=entry.id)
                added.append(entry)
            self._cond.notify_all()
        return added

    def claim(self, ids: Iterable[str]) -> list[Delivery]:
        """Mark the given pending entries in flight; those already in flight,
        finished or forgotten are left out."""
        with self._cond:
            found = [self._all.get(i) for i in ids]
            claimed = [d for d in found if d and d.state == PENDING and not d.in_flight]
            for entry in claimed:
                entry.in_flight = True
            return claimed

    def claim_due(self, now: datetime) -> Delivery | None:
        """The oldest pending entry due at `now`, marked in flight."""
        with self._cond:
            for entry_id in self._by_state[PENDING]:
                entry = self._all[entry_id]
                due = entry.next_attempt_at
                if not entry.in_flight and due is not None and due <= now:
                    entry.in_flight = True
                    return entry
            return None

    def pending_ids(self) -> list[str]:
        with self._cond:
            return list(self._by_state[PENDING])

    def next_due(self) -> datetime | None:
        """The earliest due time of a pending entry not in flight."""
        with self._cond:
            times = [
                d.next_attempt_at
                for d in (self._all[i] for i in self._by_state[PENDING])
                if not d.in_flight and d.next_attempt_at is not None
            ]
        return min(times, default=None)

    def finish(
        self,
        entry: Delivery,
        attempt: Attempt,
        token: str | None,
        state: str,
        next_attempt_at: datetime | None,
    ) -> None:
        """Record an attempt of a claimed entry (ignored when the entry was
        forgotten meanwhile, e.g. by a reset)."""
        with self._cond:
            entry.in_flight = False
            if self._all.get(entry.id) is not entry:
                self._cond.notify_all()
                return
            self._forget(entry)
            entry.attempts.append(attempt)
            entry.token = token
            entry.state = state
            entry.next_attempt_at = next_attempt_at
            self._insert(entry)
            self._evict(keep=entry.id)
            self._cond.notify_all()

    # --- reading ------------------------------------------------------------------

    def get(self, delivery_id: str) -> Delivery:
        with self._cond:
            entry = self._all.get(delivery_id)
        if entry is None:
            raise DeliveryNotFound(delivery_id)
        return entry

    def select(
        self, match: Match | None = None, limit: int | None = None
    ) -> list[Json]:
        """The entries `match` accepts, oldest first, as control-plane dicts;
        `limit` keeps the newest ones."""
        with self._cond:
            chosen = [d for d in self._all.values() if match is None or match(d)]
            if limit is not None:
                chosen = chosen[-limit:] if limit else []
            return [d.to_dict() for d in chosen]

    def counts(self) -> Json:
        with self._cond:
            out: Json = {state: len(self._by_state[state]) for state in STATES}
            out.update(
                entries=len(self._all),
                bytes=self._bytes,
                dropped=self.dropped,
                droppedPending=self.dropped_pending,
            )
            return out

    def wait_for(self, done: Callable[[], bool], timeout: float) -> bool:
        """Block until `done()` (called with the log locked) is true or
        `timeout` seconds pass; True when it became true."""
        with self._cond:
            return self._cond.wait_for(done, timeout)

    def wait_settled(self, ids: Iterable[str], timeout: float) -> bool:
        """Wait until none of `ids` is in flight (another thread's attempt)."""
        wanted = list(ids)

        def settled() -> bool:
            return not any(
                (d := self._all.get(i)) is not None and d.in_flight for i in wanted
            )

        return self.wait_for(settled, timeout)

    def matching(self, match: Match) -> list[Delivery]:
        """Entries `match` accepts (call with the log locked, in `wait_for`)."""
        return [d for d in self._all.values() if match(d)]
