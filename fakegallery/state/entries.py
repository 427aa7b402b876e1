"""One journal entry: a request and its answer as the journal keeps it
(state/journal.py), and how it reads as JSON. Bodies stay bytes and headers
stay as captured until an entry is read."""

from __future__ import annotations

from datetime import datetime
from itertools import chain
from typing import Any
from urllib.parse import parse_qsl

import orjson

from .clock import format_precise, parse_time

Json = dict[str, Any]
#: Headers as captured: request headers with their WSGI names (HTTP_WIX_SITE_ID,
#: CONTENT_TYPE), response headers as sent. `header_dict` turns them into
#: lower-case HTTP names when an entry is read.
Headers = tuple[tuple[str, str], ...]

#: Bytes counted per entry beyond its bodies, headers and path (the objects).
ENTRY_OVERHEAD = 400


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


class Entry:
    """One request and its answer, as the journal keeps it. The journal
    numbers it (`seq`) when it records it; `size` is what it counts for the
    journal's byte bound. A plain slotted class, not a dataclass: defined at
    start-up for a fraction of the cost (docs/performance.md, cold start)."""

    __slots__ = (
        "duration_ms",
        "error_code",
        "fault",
        "method",
        "operation",
        "path",
        "prefix",
        "query",
        "record",
        "request_body",
        "request_headers",
        "request_truncated",
        "response_body",
        "response_headers",
        "response_truncated",
        "rules_relaxed",
        "seq",
        "site_id",
        "size",
        "status",
        "time",
    )

    def __init__(
        self,
        *,
        time: datetime,
        duration_ms: float,
        site_id: str | None,
        operation: str | None,
        prefix: str | None,
        method: str,
        path: str,
        query: str,
        request_headers: Headers,
        request_body: bytes,
        request_truncated: bool,
        status: int,
        response_headers: Headers,
        response_body: bytes,
        response_truncated: bool,
        error_code: str | None = None,
        fault: Json | None = None,
        rules_relaxed: list[Json] | None = None,
        seq: int = 0,
        record: Json | None = None,
    ) -> None:
        self.time = time
        self.duration_ms = duration_ms
        self.site_id = site_id
        self.operation = operation
        self.prefix = prefix
        self.method = method
        self.path = path
        self.query = query
        self.request_headers = request_headers
        self.request_body = request_body
        self.request_truncated = request_truncated
        self.status = status
        self.response_headers = response_headers
        self.response_body = response_body
        self.response_truncated = response_truncated
        self.error_code = error_code
        self.fault = fault
        self.rules_relaxed = rules_relaxed
        self.seq = seq
        #: A restored entry is the record it was dumped as (`restored`).
        self.record = record
        self.size = self._measure()

    def _measure(self) -> int:
        if self.record is not None:
            return ENTRY_OVERHEAD + len(orjson.dumps(self.record))
        headers = chain(*self.request_headers, *self.response_headers)
        return (
            ENTRY_OVERHEAD
            + len(self.path)
            + len(self.query)
            + len(self.request_body)
            + len(self.response_body)
            + sum(map(len, headers))
            + (200 if self.fault else 0)
            + 200 * len(self.rules_relaxed or ())
        )

    def replace(self, **changes: Any) -> Entry:
        """A copy with `changes` (keyword arguments of the constructor),
        measured again."""
        values = {name: getattr(self, name) for name in self.__slots__}
        del values["size"]  # measured, not given
        return Entry(**{**values, **changes})

    @property
    def request_id(self) -> str | None:
        """The X-Wix-Request-Id the answer carried."""
        for name, value in self.response_headers:
            if name.lower() == "x-wix-request-id":
                return value
        return None

    @classmethod
    def restored(cls, record: Json) -> Entry:
        """An entry from a dumped record; it answers that record as it was."""
        return cls(
            time=parse_time(record["time"]),
            duration_ms=record["durationMs"],
            site_id=record["siteId"],
            operation=record["operation"],
            prefix=record["prefix"],
            method=record["method"],
            path=record["path"],
            query=record["queryString"],
            request_headers=(),
            request_body=b"",
            request_truncated=record["requestBodyTruncated"],
            status=record["status"],
            response_headers=(),
            response_body=b"",
            response_truncated=record["responseBodyTruncated"],
            error_code=record["errorCode"],
            fault=record["fault"],
            rules_relaxed=record["rulesRelaxed"] or None,
            seq=record["seq"],
            record=record,
        )

    def to_record(self) -> Json:
        """The entry as JSON (what GET /_fake/requests and the handle show)."""
        if self.record is not None:
            return dict(self.record)
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
