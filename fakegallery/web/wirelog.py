"""Opt-in JSONL wire log: one line per request/response pair (setting WIRE_LOG).

For debugging a mismatch with a real client such as the official JS SDK: each
line holds what arrived on the wire and what went back, byte for byte as far as
JSON allows. It is a sink of the same capture as the request journal
(web/capture.py), so both see exactly the same exchanges. Enable it with
``WIRE_LOG=path`` (Flask config), ``FAKEGALLERY_WIRE_LOG=path`` (environment)
or ``fakegallery serve --config WIRE_LOG=path``. One line looks like::

    {"time": "2026-01-02T03:04:05.123Z", "requestId": "…", "method": "POST",
     "path": "/progallery/v2/galleries", "query": "",
     "requestHeaders": {"authorization": "test…(8 chars)", "wix-site-id": "…"},
     "requestBody": {"gallery": {"name": "x"}}, "status": 200,
     "responseHeaders": {"content-type": "application/json", …},
     "responseBody": {"gallery": {…}}, "durationMs": 1.7}

Bodies that are JSON are logged as JSON, others as text (``null`` when empty).
The Authorization header is shortened so that a log never holds a whole key.
A dropped connection (a fault rule's `reset` or `empty`) logs status 0.

The file is bounded (setting WIRE_LOG_MAX_BYTES): a line that would take it
past the limit first moves it to ``<file>.1`` (replacing an older one, whose
lines count as `dropped` and are reported in a warning), so the disk holds at
most twice the limit. A single exchange larger than the limit is logged with
its bodies replaced by their sizes.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import orjson

from ..config import SettingsError
from ..state.clock import format_precise
from ..state.entries import Entry, decode_body, header_dict, mask

__all__ = ["WireLog", "decode_body", "mask"]

log = logging.getLogger("fakegallery")


class WireLog:
    """A capture sink appending one JSON line per exchange. Thread-safe."""

    def __init__(self, path: str | Path, max_bytes: int) -> None:
        """The file is opened once here, so that a path that cannot be written
        stops the app at start-up (SettingsError naming WIRE_LOG) instead of
        failing every request later."""
        self.path = Path(path)
        try:
            with self.path.open("ab"):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise SettingsError(
                f"WIRE_LOG: cannot append to {path}: {reason}"
            ) from None
        self._lock = threading.Lock()
        self.max_bytes = max_bytes
        #: Lines lost when an older `<file>.1` was replaced.
        self.dropped = 0
        self._size = self.path.stat().st_size

    def __call__(self, exchange: Entry) -> None:
        response_headers = header_dict(exchange.response_headers)
        entry: dict[str, Any] = {
            "time": format_precise(exchange.time, "milliseconds"),
            "requestId": response_headers.get("x-wix-request-id"),
            "method": exchange.method,
            "path": exchange.path,
            "query": exchange.query,
            "requestHeaders": header_dict(exchange.request_headers),
            "requestBody": decode_body(exchange.request_body),
            "status": exchange.status,
            "responseHeaders": response_headers,
            "responseBody": decode_body(exchange.response_body),
            "durationMs": exchange.duration_ms,
        }
        self.write(entry)

    def write(self, entry: dict[str, Any]) -> None:
        """Append one line, rotating first when the file would pass
        `max_bytes`; the file is opened per line so that nothing stays open
        between requests and every line is complete on disk."""
        line = orjson.dumps(entry) + b"\n"
        if len(line) > self.max_bytes:
            line = orjson.dumps(without_bodies(entry)) + b"\n"
        with self._lock:
            if self._size and self._size + len(line) > self.max_bytes:
                self._rotate()
            with self.path.open("ab") as out:
                out.write(line)
            self._size += len(line)

    def _rotate(self) -> None:
        older = self.path.with_name(self.path.name + ".1")
        lost = count_lines(older) if older.exists() else 0
        os.replace(self.path, older)
        self._size = 0
        self.dropped += lost
        log.warning(
            "wire log %s reached WIRE_LOG_MAX_BYTES (%d): moved to %s; %d older "
            "lines dropped (%d in all)",
            self.path,
            self.max_bytes,
            older.name,
            lost,
            self.dropped,
        )


def without_bodies(entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` with each body replaced by a note of its size."""
    out = dict(entry)
    for key in ("requestBody", "responseBody"):
        size = len(orjson.dumps(entry.get(key)))
        out[key] = f"…({size} bytes, not logged: over WIRE_LOG_MAX_BYTES)"
    return out


def count_lines(path: Path) -> int:
    with path.open("rb") as data:
        return sum(
            chunk.count(b"\n") for chunk in iter(lambda: data.read(1 << 20), b"")
        )
