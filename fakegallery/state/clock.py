"""The one source of time, ids and randomness: seedable and controllable.

Nothing else in the package reads the wall clock or calls `random`, so the same
seed and the same calls give the same state (ids, dates, default sortOrders).
Both `Clock` and `Ids` are components (state/component.py): a reset restarts
them from the settings, and a dump keeps their position, so a restored fake
continues where it stopped instead of repeating ids.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from .component import NO_CHANGES, ChangeSink
from .guids import guid_text, guid_texts

Json = dict[str, Any]

# RFC 3339 §5.6 date-time: a date, `T` (or `t`/space), a time with optional
# fraction, and `Z` or a numeric offset. Python's fromisoformat alone also takes
# dates without a time, week dates and missing offsets.
# (compiled on first use, by re's cache)
_RFC3339 = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)


#: What an id looks like: a GUID, any case (docs/behaviour.md §7.4).
GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def parse_time(text: str) -> datetime:
    """Parse an RFC3339 instant (``Z`` or an offset) to an aware UTC datetime.
    Anything else, or an instant outside the years 1–9999 in UTC, is a
    ValueError saying what is expected."""
    if not isinstance(text, str) or not re.fullmatch(_RFC3339, text.strip()):
        raise ValueError(
            f"{text!r} is not an RFC3339 date-time such as 2026-01-02T03:04:05Z"
        )
    value = text.strip()
    if value[-1] in "Zz":
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"{text!r} is not a valid instant (years 1–9999)") from None


def format_precise(value: datetime, timespec: str = "auto") -> str:
    """RFC3339 UTC with sub-second digits and a ``Z``, as webhook `eventTime`s
    have (docs/behaviour.md §4.7); `timespec` as for `datetime.isoformat`."""
    return value.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def format_time(value: datetime) -> str:
    """RFC3339 UTC with whole seconds, as real Pro Gallery responses have
    (docs/behaviour.md §4.7)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Clock:
    """Wall or frozen time, plus strictly increasing default sortOrders. The
    clock is app-wide: it moves time for every site."""

    name: ClassVar[str] = "clock"

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._start = frozen_at
        self._frozen = frozen_at
        self._last_sort_order = 0.0
        self._listeners: list[Callable[[], None]] = []
        self.changes: ChangeSink = NO_CHANGES

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after every freeze, advance and unfreeze (e.g. to
        wake the webhook sender, whose retries are due on this clock). It runs
        in the caller's thread and must only signal, never block."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in tuple(self._listeners):
            listener()

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._frozen = self._start
            self._last_sort_order = 0.0
        self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        """Time is app-wide: nothing belongs to one site."""

    def dump(self) -> Json:
        with self._lock:
            frozen = format_precise(self._frozen) if self._frozen else None
            return {"frozenAt": frozen, "lastSortOrder": self._last_sort_order}

    def restore(self, data: Json) -> None:
        frozen = data.get("frozenAt")
        with self._lock:
            self._frozen = parse_time(frozen) if frozen else None
            self._last_sort_order = float(data.get("lastSortOrder", 0.0))
        self.changes.changed(self.name)

    # --- time ---------------------------------------------------------------------

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
        return datetime.fromtimestamp(time.time(), UTC)

    @staticmethod
    def wall_seconds() -> float:
        """The real time in epoch seconds, whatever the fake's clock shows: for
        what a receiver checks against its own clock, such as a webhook
        token's `iat`/`exp` (docs/behaviour.md §8.6)."""
        return time.time()

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock at `at` (default: now)."""
        instant = at or self.now()
        with self._lock:
            self._frozen = instant
        self._changed()
        self.changes.changed(self.name)

    def advance(self, seconds: float) -> None:
        """Move a frozen clock forward (freezing it at now first if it runs).
        An instant past the year 9999 is a ValueError and changes nothing."""
        start = self.now()
        try:
            moved = start + timedelta(seconds=seconds)
        except OverflowError:
            raise ValueError(
                f"advancing by {seconds} s leaves the years 1–9999"
            ) from None
        with self._lock:
            self._frozen = moved
        self._changed()
        self.changes.changed(self.name)

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen = None
        self._changed()
        self.changes.changed(self.name)

    def next_sort_order(self) -> float:
        """Epoch seconds with 3 decimals, strictly above every earlier value
        (docs/behaviour.md §6.1)."""
        stamp = round(self.now().timestamp(), 3)
        with self._lock:
            if stamp <= self._last_sort_order:
                stamp = round(self._last_sort_order + 0.001, 3)
            self._last_sort_order = stamp
        self.changes.changed(self.name)
        return stamp

    def next_sort_orders(self, count: int) -> list[float]:
        """`count` values of `next_sort_order` in one step (a bulk write's
        defaults): the time is read once, each value is strictly above the
        one before."""
        if count <= 0:
            return []
        stamp = round(self.now().timestamp(), 3)
        values: list[float] = []
        with self._lock:
            last = self._last_sort_order
            for _ in range(count):
                last = stamp if stamp > last else round(last + 0.001, 3)
                values.append(last)
            self._last_sort_order = last
        self.changes.changed(self.name)
        return values


def _state_json(generator: random.Random) -> list[Any]:
    version, internal, gauss = generator.getstate()
    return [version, list(internal), gauss]


def _set_state(generator: random.Random, data: list[Any]) -> None:
    version, internal, gauss = data
    generator.setstate((version, tuple(internal), gauss))


def _words(bits: int) -> int:
    """How many 32-bit words `getrandbits(bits)` takes from its generator."""
    return max(1, -(-bits // 32))


class Ids:
    """GUID v4 ids and request ids from seeded generators (one stream each)."""

    name: ClassVar[str] = "ids"

    def __init__(self, seed: int | None) -> None:
        self.seed = seed if seed is not None else int.from_bytes(os.urandom(8))
        self._lock = threading.Lock()
        #: Told when the entity stream moves. The request stream, drawn by
        #: every read, is stored along with every write and at a clean stop
        #: (persistence/sink.py).
        self.changes: ChangeSink = NO_CHANGES
        #: Counts reset and restore: the streams were set anew.
        self.generation = 0
        self.reset()

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._entities = random.Random(self.seed)
            # A separate stream, so that reads (which get request ids) never
            # shift the ids of the entities that later writes create.
            self._requests = random.Random(self.seed ^ 0x5EED)
            self._set_anew()
        self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        """Ids are app-wide: a dropped site's ids are never drawn again."""

    def dump(self) -> Json:
        with self._lock:
            return {
                "seed": self.seed,
                "entities": _state_json(self._entities),
                "requests": _state_json(self._requests),
            }

    def restore(self, data: Json) -> None:
        with self._lock:
            self.seed = int(data["seed"])
            _set_state(self._entities, data["entities"])
            _set_state(self._requests, data["requests"])
            self._set_anew()
        self.changes.changed(self.name)

    def _set_anew(self) -> None:
        self.generation += 1
        # 32-bit words drawn from each stream since it was set: with the state
        # it was set to, where it stands (durable mode stores just these).
        self._drawn = [0, 0]

    # --- drawing ------------------------------------------------------------------

    def guid(self) -> str:
        with self._lock:
            bits = self._entities.getrandbits(128)
            self._drawn[0] += 4
        self.changes.changed(self.name)
        return guid_text(bits)

    def guids(self, count: int) -> list[str]:
        """The next `count` values of `guid`, drawn in one step."""
        with self._lock:
            draw = self._entities.getrandbits
            drawn = [draw(128) for _ in range(count)]
            self._drawn[0] += 4 * count
        self.changes.changed(self.name)
        return guid_texts(drawn)

    def request_id(self) -> str:
        with self._lock:
            bits = self._requests.getrandbits(128)
            self._drawn[1] += 4
        return guid_text(bits)

    def request_ids(self, count: int) -> list[str]:
        """The next `count` values of `request_id`, drawn in one step."""
        with self._lock:
            draw = self._requests.getrandbits
            drawn = [draw(128) for _ in range(count)]
            self._drawn[1] += 4 * count
        return guid_texts(drawn)

    def hex(self, digits: int) -> str:
        """`digits` lower-case hex digits from the entity stream (media ids)."""
        with self._lock:
            bits = self._entities.getrandbits(digits * 4)
            self._drawn[0] += _words(digits * 4)
        self.changes.changed(self.name)
        return f"{bits:0{digits}x}"

    def position(self) -> tuple[int, int, int]:
        """(generation, words drawn from the entity stream, from the request
        stream) since the streams were last set: cheap, unlike `dump`."""
        with self._lock:
            return (self.generation, self._drawn[0], self._drawn[1])

    def skip(self, entity_words: int, request_words: int) -> None:
        """Move the streams on by that many words, as the same draws would."""
        with self._lock:
            for stream, count in (
                (self._entities, entity_words),
                (self._requests, request_words),
            ):
                for _ in range(count):
                    stream.getrandbits(32)
            self._drawn[0] += entity_words
            self._drawn[1] += request_words

    def derive(self, name: str) -> int:
        """A seed for another consumer (e.g. Faker), stable for the same seed."""
        return random.Random(f"{self.seed}:{name}").getrandbits(63)
