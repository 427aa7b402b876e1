"""The request journal: every request the fake answered, in a ring buffer
bounded in entries and in bytes (docs/journal-and-faults.md).

The capture layer (web/capture.py) builds one `Entry` per exchange; bodies stay
bytes, cut to JOURNAL_BODY_BYTES, and are decoded only when an entry is read.
When the buffer is full the oldest entries are dropped and counted, overall and
per site, so an assertion over a site whose entries were dropped can fail
loudly instead of answering wrongly. A component (state/component.py): a dump
holds the entries as records; a restore keeps the counters and counts the
restored entries as dropped (the journal is a log, not state to replay).
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import orjson

from .clock import format_precise
from .globs import path_matches

Json = dict[str, Any]
#: Headers as captured: request headers with their WSGI names (HTTP_WIX_SITE_ID,
#: CONTENT_TYPE), response headers as sent. `header_dict` turns them into
#: lower-case HTTP names when an entry is read.
Headers = tuple[tuple[str, str], ...]

#: Bytes counted per entry beyond its bodies, headers and path (the objects).
ENTRY_OVERHEAD = 400
#: Sites whose dropped count is kept; past it the oldest count is merged into
#: an overflow that makes every site's count unknown (loud, never wrong).
MAX_DROPPED_SITES = 10_000


def decode_body(raw: bytes, truncated: bool = False) -> Any:
    """JSON when the bytes are JSON, else text; None for an empty body."""
    if not raw:
        return None
    if not truncated:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return raw.decode("utf-8", errors="replace")


def mask(secret: str) -> str:
    """Keep a scheme such as ``Bearer`` and the first 4 characters of the rest."""
    scheme, sep, rest = secret.partition(" ")
    if not sep:
        scheme, rest = "", secret
    shown = rest[:4] + (f"…({len(rest)} chars)" if len(rest) > 4 else "")
    return f"{scheme} {shown}" if scheme else shown


def header_dict(pairs: Headers) -> dict[str, str]:
    """Headers by lower-case HTTP name; the Authorization value shortened, so
    that no record, dump or log holds a whole key."""
    out: dict[str, str] = {}
    for name, value in pairs:
        if name.startswith("HTTP_"):
            name = name[5:].replace("_", "-")
        elif name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = name.replace("_", "-")
        out[name.lower()] = value
    if "authorization" in out:
        out["authorization"] = mask(out["authorization"])
    return out


def parse_query(query: str) -> dict[str, str | list[str]]:
    """A query string as name → value, or a list of values for a repeated key."""
    out: dict[str, str | list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        old = out.get(name)
        if old is None:
            out[name] = value
        elif isinstance(old, list):
            old.append(value)
        else:
            out[name] = [old, value]
    return out


@dataclass(slots=True)
class Entry:
    """One request and its answer, as the journal keeps it."""

    time: datetime
    duration_ms: float
    site_id: str | None
    operation: str | None
    prefix: str | None
    method: str
    path: str
    query: str
    request_headers: Headers
    request_body: bytes
    request_truncated: bool
    status: int
    response_headers: Headers
    response_body: bytes
    response_truncated: bool
    error_code: str | None = None
    fault: Json | None = None
    rules_relaxed: list[Json] | None = None
    seq: int = 0
    size: int = field(default=0)

    def __post_init__(self) -> None:
        headers = chain(*self.request_headers, *self.response_headers)
        self.size = (
            ENTRY_OVERHEAD
            + len(self.path)
            + len(self.query)
            + len(self.request_body)
            + len(self.response_body)
            + sum(map(len, headers))
            + (200 if self.fault else 0)
            + 200 * len(self.rules_relaxed or ())
        )

    @property
    def request_id(self) -> str | None:
        """The X-Wix-Request-Id the answer carried."""
        for name, value in self.response_headers:
            if name.lower() == "x-wix-request-id":
                return value
        return None

    def to_record(self) -> Json:
        """The entry as JSON (what GET /_fake/requests and the handle show)."""
        return {
            "seq": self.seq,
            "time": format_precise(self.time, "milliseconds"),
            "durationMs": self.duration_ms,
            "requestId": self.request_id,
            "siteId": self.site_id,
            "operation": self.operation,
            "prefix": self.prefix,
            "method": self.method,
            "path": self.path,
            "query": parse_query(self.query),
            "queryString": self.query,
            "requestHeaders": header_dict(self.request_headers),
            "requestBody": decode_body(self.request_body, self.request_truncated),
            "requestBodyTruncated": self.request_truncated,
            "status": self.status,
            "responseHeaders": header_dict(self.response_headers),
            "responseBody": decode_body(self.response_body, self.response_truncated),
            "responseBodyTruncated": self.response_truncated,
            "errorCode": self.error_code,
            "fault": self.fault,
            "rulesRelaxed": self.rules_relaxed or [],
        }


@dataclass(frozen=True, slots=True)
class Query:
    """Filters of a journal read; None means any."""

    site_id: str | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    #: an exact status, or its first digit for a class (4 → 4xx)
    status: int | None = None
    status_class: int | None = None
    since: int | None = None

    def accepts(self, entry: Entry) -> bool:
        return (
            (self.site_id is None or entry.site_id == self.site_id)
            and (self.operation is None or entry.operation == self.operation)
            and (self.method is None or entry.method == self.method)
            and (self.since is None or entry.seq > self.since)
            and (self.status is None or entry.status == self.status)
            and (self.status_class is None or entry.status // 100 == self.status_class)
            and (self.path is None or path_matches(self.path, entry.path, entry.prefix))
        )


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
        """Counters come back; the entries are counted as dropped."""
        entries = data.get("entries") or ()
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._seq = int(data.get("seq", 0))
            self.dropped = int(data.get("dropped", 0)) + len(entries)
            self._dropped_by_site = Counter(
                {str(k): int(v) for k, v in data.get("droppedBySite", {}).items()}
            )
            self._overflow = int(data.get("overflow", 0))
            for record in entries:
                if record.get("siteId"):
                    self._count_dropped(str(record["siteId"]))

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

    def select(self, query: Query = Query()) -> list[Entry]:
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

    def sites(self) -> Iterable[str]:
        with self._lock:
            return {e.site_id for e in self._entries if e.site_id is not None}
