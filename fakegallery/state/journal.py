"""The request journal: every request the fake answered, in a ring buffer
bounded in entries and in bytes (docs/journal-and-faults.md).

The capture layer (web/capture.py) builds one `Entry` per exchange; bodies stay
bytes, cut to JOURNAL_BODY_BYTES, and are decoded only when an entry is read.
When the buffer is full the oldest entries are dropped and counted, overall and
per site, so an assertion over a site whose entries were dropped can fail
loudly instead of answering wrongly. A component (state/component.py): a dump
holds the entries as records and the counters; a restore brings both back.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from typing import Any, ClassVar, NamedTuple

from .entries import Entry, Headers, decode_body, header_dict, mask, parse_query
from .globs import path_matches

__all__ = [
    "Entry",
    "Headers",
    "Journal",
    "Query",
    "decode_body",
    "header_dict",
    "mask",
    "parse_query",
]

Json = dict[str, Any]

#: Sites whose dropped count is kept; past it the oldest count is merged into
#: an overflow that makes every site's count unknown (loud, never wrong).
MAX_DROPPED_SITES = 10_000


class Query(NamedTuple):
    """Filters of a journal read; None means any."""

    site_id: str | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    #: an exact status, or its first digit for a class (4 → 4xx)
    status: int | None = None
    status_class: int | None = None
    since: int | None = None
    #: only entries older than this sequence number (paging back in time)
    before: int | None = None

    def accepts(self, entry: Entry) -> bool:
        return (
            (self.site_id is None or entry.site_id == self.site_id)
            and (self.operation is None or entry.operation == self.operation)
            and (self.method is None or entry.method == self.method)
            and (self.since is None or entry.seq > self.since)
            and (self.before is None or entry.seq < self.before)
            and (self.status is None or entry.status == self.status)
            and (self.status_class is None or entry.status // 100 == self.status_class)
            and (self.path is None or path_matches(self.path, entry.path, entry.prefix))
        )


#: The query that accepts every entry.
EVERY = Query()


class Journal:
    """A thread-safe ring buffer of entries, bounded in count and bytes."""

    name: ClassVar[str] = "journal"

    def __init__(self, max_entries: int, max_bytes: int, enabled: bool = True) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.enabled = enabled
        self._lock = threading.Lock()
        self._entries: deque[Entry] = deque()
        self._bytes = 0
        self._seq = 0
        self.dropped = 0
        self._dropped_by_site: Counter[str] = Counter()
        self._overflow = 0

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = self._seq = self.dropped = self._overflow = 0
            self._dropped_by_site.clear()

    def drop_site(self, site_id: str) -> None:
        """Forget the site's entries and its dropped count (not counted as
        dropped: the site is gone)."""
        self.clear(site_id)
        with self._lock:
            self._dropped_by_site.pop(site_id, None)

    def dump(self) -> Json:
        with self._lock:
            entries = list(self._entries)
            head = {
                "seq": self._seq,
                "dropped": self.dropped,
                "droppedBySite": dict(self._dropped_by_site),
                "overflow": self._overflow,
            }
        return {**head, "entries": [e.to_record() for e in entries]}

    def restore(self, data: Json) -> None:
        """The entries and the counters of a dump, as they were."""
        entries = [Entry.restored(record) for record in data.get("entries", ())]
        with self._lock:
            self._entries = deque(entries)
            self._bytes = sum(e.size for e in entries)
            self._seq = int(data.get("seq", 0))
            self.dropped = int(data.get("dropped", 0))
            self._dropped_by_site = Counter(
                {str(k): int(v) for k, v in data.get("droppedBySite", {}).items()}
            )
            self._overflow = int(data.get("overflow", 0))

    # --- writing ------------------------------------------------------------------

    def record(self, entry: Entry) -> Entry:
        """Append `entry` with the next sequence number; drop the oldest entries
        past either bound (the newest entry is always kept)."""
        with self._lock:
            self._seq += 1
            entry.seq = self._seq
            self._entries.append(entry)
            self._bytes += entry.size
            while len(self._entries) > 1 and (
                len(self._entries) > self.max_entries or self._bytes > self.max_bytes
            ):
                old = self._entries.popleft()
                self._bytes -= old.size
                self.dropped += 1
                if old.site_id is not None:
                    self._count_dropped(old.site_id)
        return entry

    def _count_dropped(self, site_id: str) -> None:
        counts = self._dropped_by_site
        counts[site_id] += 1
        if len(counts) > MAX_DROPPED_SITES:
            oldest = next(iter(counts))
            self._overflow += counts.pop(oldest)

    def clear(self, site_id: str | None = None) -> int:
        """Remove every entry (or one site's); returns how many. Not counted
        as dropped: a test asked for it."""
        with self._lock:
            if site_id is None:
                removed = len(self._entries)
                self._entries.clear()
                self._bytes = 0
                return removed
            kept = [e for e in self._entries if e.site_id != site_id]
            removed = len(self._entries) - len(kept)
            if removed:
                self._entries = deque(kept)
                self._bytes = sum(e.size for e in kept)
            return removed

    # --- reading ------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The sequence number of the latest entry (0 before the first)."""
        return self._seq

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def select(self, query: Query = EVERY) -> list[Entry]:
        """The entries `query` accepts, oldest first."""
        with self._lock:
            entries = list(self._entries)
        return [e for e in entries if query.accepts(e)]

    def dropped_for(self, site_id: str | None) -> int:
        """Entries dropped for a full buffer: of one site (plus any count that
        overflowed the per-site table, so never too low), or of all sites."""
        with self._lock:
            if site_id is None:
                return self.dropped
            return self._dropped_by_site.get(site_id, 0) + self._overflow
