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
from datetime import datetime
from typing import Any, ClassVar

from ...errors import NotFound
from .entries import EVICTION_ORDER, PENDING, STATES, Attempt, Delivery

Json = dict[str, Any]

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
            # NOT_FOUND naming the field: errors.py is at its size limit
            raise NotFound(
                f"no delivery '{delivery_id}' in the delivery log (it may have "
                "been dropped to keep the log bounded)",
                {"deliveryId": delivery_id},
            )
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
