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
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from flask import Flask
from werkzeug.wsgi import get_input_stream

from ..config import SettingsError
from ..fake import FakeGallery
from ..state.clock import format_precise

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: Request headers the WSGI environ holds without the HTTP_ prefix.
_PLAIN_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def install(app: Flask, path: str) -> WireLog:
    """Wrap `app`'s WSGI callable so that every exchange is appended to `path`.
    The file is opened once here, so that a path that cannot be written stops
    the app at start-up (SettingsError naming WIRE_LOG) instead of failing
    every request later."""
    target = Path(path)
    try:
        with target.open("ab"):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SettingsError(f"WIRE_LOG: cannot append to {path}: {reason}") from None
    fake: FakeGallery = app.extensions["fakegallery"]
    middleware = WireLog(app.wsgi_app, target, fake)
    app.wsgi_app = middleware  # type: ignore[method-assign]
    return middleware


class WireLog:
    """WSGI middleware: buffers the request body (and gives the app a copy),
    buffers the response, then appends one JSON line. Thread-safe."""

    def __init__(self, app: WSGIApplication, path: Path, fake: FakeGallery) -> None:
        self.app = app
        self.path = path
        self.fake = fake
        self._lock = threading.Lock()

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
        """Append one line; the file is opened per line so that nothing stays
        open between requests and every line is complete on disk."""
        line = orjson.dumps(entry) + b"\n"
        with self._lock, self.path.open("ab") as out:
            out.write(line)


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
