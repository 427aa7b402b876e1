"""The one source of time, ids and randomness: seedable and controllable.

Nothing else in the package reads the wall clock or calls `random`, so the same
seed and the same calls give the same state (ids, dates, default sortOrders).
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta


def parse_time(text: str) -> datetime:
    """Parse an RFC3339 instant (``Z`` or an offset) to an aware UTC datetime."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_precise(value: datetime, timespec: str = "auto") -> str:
    """RFC3339 UTC with sub-second digits and a ``Z``, as webhook `eventTime`s
    have (§4.7); `timespec` as for `datetime.isoformat`."""
    return value.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def format_time(value: datetime) -> str:
    """RFC3339 UTC with whole seconds, as real Pro Gallery responses have (§4.7)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Wall or frozen time, plus strictly increasing default sortOrders."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._frozen = frozen_at
        self._last_sort_order = 0.0

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
        return datetime.fromtimestamp(time.time(), UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at `at` (default: now)."""
        instant = at or self.now()
        with self._lock:
            self._frozen = instant

    def advance(self, seconds: float) -> None:
        """Move a frozen clock forward (freezing it at now first if it runs)."""
        if self._frozen is None:
            self.freeze()
        with self._lock:
            assert self._frozen is not None
            self._frozen += timedelta(seconds=seconds)

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen = None

    def next_sort_order(self) -> float:
        """Epoch seconds with 3 decimals, strictly above every earlier value (§6.1)."""
        stamp = round(self.now().timestamp(), 3)
        with self._lock:
            if stamp <= self._last_sort_order:
                stamp = round(self._last_sort_order + 0.001, 3)
            self._last_sort_order = stamp
            return stamp


class Ids:
    """GUID v4 ids and request ids from seeded generators (one stream each)."""

    def __init__(self, seed: int | None) -> None:
        self.seed = seed if seed is not None else int.from_bytes(os.urandom(8))
        self._lock = threading.Lock()
        self._entities = random.Random(self.seed)
        # A separate stream, so that reads (which get request ids) never shift
        # the ids of the entities that later writes create.
        self._requests = random.Random(self.seed ^ 0x5EED)

    def guid(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._entities.getrandbits(128), version=4))

    def request_id(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._requests.getrandbits(128), version=4))

    def hex(self, digits: int) -> str:
        """`digits` lower-case hex digits from the entity stream (media ids)."""
        with self._lock:
            return f"{self._entities.getrandbits(digits * 4):0{digits}x}"

    def derive(self, name: str) -> int:
        """A seed for another consumer (e.g. Faker), stable for the same seed."""
        return random.Random(f"{self.seed}:{name}").getrandbits(63)
