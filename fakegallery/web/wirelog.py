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
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import orjson

from ..state.clock import format_precise
from ..state.entries import Entry, decode_body, header_dict, mask

__all__ = ["WireLog", "decode_body", "mask"]


class WireLog:
    """A capture sink appending one JSON line per exchange. Thread-safe."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

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
        """Append one line; the file is opened per line so that nothing stays
        open between requests and every line is complete on disk."""
        line = orjson.dumps(entry) + b"\n"
        with self._lock, self.path.open("ab") as out:
            out.write(line)
