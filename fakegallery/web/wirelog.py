"""Opt-in JSONL wire log: one line per request/response pair (setting WIRE_LOG).

For debugging a mismatch with a real client such as the official JS SDK: each
line holds what arrived on the wire and what went back, byte for byte as far as
JSON allows. Enable it with ``WIRE_LOG=path`` (Flask config),
``FAKEGALLERY_WIRE_LOG=path`` (environment) or ``fakegallery serve --config
WIRE_LOG=path``. One line looks like::

    {"time": "2026-01-02T03:04:05.123Z", "requestId": "…", "method": "POST",
     "path": "/progallery/v2/galleries", "query": "",
     "requestHeaders": {"authorization": "test…(8 chars)", "wix-site-id": "…"},
     "requestBody": {"gallery": {"name": "x"}}, "status": 200,
     "responseHeaders": {"content-type": "application/json", …},
     "responseBody": {"gallery": {…}}, "durationMs": 1.7}

Bodies that are JSON are logged as JSON, others as text (``null`` when empty).
The Authorization header is shortened so that a log never holds a whole key.

The file is bounded (setting WIRE_LOG_MAX_BYTES): a line that would take it
past the limit first moves it to ``<file>.1`` (replacing an older one, whose
lines count as `dropped` and are reported in a warning), so the disk holds at
most twice the limit. A single exchange larger than the limit is logged with
its bodies replaced by their sizes.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from flask import Flask
from werkzeug.wsgi import get_input_stream

from ..fake import FakeGallery
from ..state.clock import format_precise

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("fakegallery")

#: Request headers the WSGI environ holds without the HTTP_ prefix.
_PLAIN_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def install(app: Flask, path: str) -> WireLog:
    """Wrap `app`'s WSGI callable so that every exchange is appended to `path`."""
    fake: FakeGallery = app.extensions["fakegallery"]
    middleware = WireLog(app.wsgi_app, Path(path), fake)
    app.wsgi_app = middleware  # type: ignore[method-assign]
    return middleware


class WireLog:
    """WSGI middleware: buffers the request body (and gives the app a copy),
    buffers the response, then appends one JSON line. Thread-safe."""

    def __init__(self, app: WSGIApplication, path: Path, fake: FakeGallery) -> None:
        self.app = app
        self.path = path
        self.fake = fake
        self.max_bytes = fake.settings.wire_log_max_bytes
        #: Lines lost when an older `<file>.1` was replaced.
        self.dropped = 0
        self._lock = threading.Lock()
        self._size = path.stat().st_size if path.exists() else 0

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        request_body = get_input_stream(environ).read()
        environ["wsgi.input"] = io.BytesIO(request_body)
        environ["CONTENT_LENGTH"] = str(len(request_body))
        seen: dict[str, Any] = {}

        def capture(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,
            /,
        ) -> Callable[[bytes], object]:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            chunks = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        response_headers = {k.lower(): v for k, v in seen.get("headers", ())}
        entry = {
            "time": timestamp(self.fake),
            "requestId": response_headers.get("x-wix-request-id"),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "query": environ.get("QUERY_STRING", ""),
            "requestHeaders": request_headers(environ),
            "requestBody": decode_body(request_body),
            "status": int(str(seen.get("status", "0")).split(" ", 1)[0]),
            "responseHeaders": response_headers,
            "responseBody": decode_body(b"".join(chunks)),
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
        }
        self.write(entry)
        return chunks

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


def timestamp(fake: FakeGallery) -> str:
    """Now on the fake's clock, RFC3339 UTC with milliseconds."""
    return format_precise(fake.clock.now(), "milliseconds")


def request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """The request headers by lower-case name, Authorization shortened."""
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in _PLAIN_HEADERS:
            name = _PLAIN_HEADERS[key]
        else:
            continue
        headers[name] = str(value)
    if "authorization" in headers:
        headers["authorization"] = mask(headers["authorization"])
    return headers


def mask(secret: str) -> str:
    """Keep a scheme such as ``Bearer`` and the first 4 characters of the rest."""
    scheme, sep, rest = secret.partition(" ")
    if not sep:
        scheme, rest = "", secret
    shown = rest[:4] + (f"…({len(rest)} chars)" if len(rest) > 4 else "")
    return f"{scheme} {shown}" if scheme else shown


def decode_body(raw: bytes) -> Any:
    """JSON when the bytes are JSON, else text; None for an empty body."""
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", errors="replace")
