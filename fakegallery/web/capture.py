"""One capture of every request and its answer, handed to sinks: the request
journal (state/journal.py) and the opt-in wire log (web/wirelog.py).

A WSGI middleware inside the policy guard (app.py): it buffers the request
body (the app reads a copy), collects the answer, and only then returns it, so
an exchange is recorded before the client sees the answer — a test that
asserts right after a call finds it. The routes add what only they know to the
environ: the operation id, the site, the error code, the fault applied, the
rules loose mode relaxed, a connection fault.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wsgi import get_input_stream

from ..state.globs import find_prefix
from ..state.journal import Entry, Journal
from .connection import CONNECTION, cut

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# What the routes put in the environ for the capture.
OPERATION = "fakegallery.operation"
SITE = "fakegallery.site"
ERROR_CODE = "fakegallery.error"
FAULT = "fakegallery.fault"
RELAXED = "fakegallery.relaxed"

#: Request headers the WSGI environ holds without the HTTP_ prefix.
_PLAIN_HEADERS = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


@dataclass(slots=True)
class Exchange:
    """One request and the answer the client received, whole."""

    time: str
    duration_ms: float
    method: str
    path: str
    query: str
    prefix: str | None
    site_id: str | None
    operation: str | None
    request_headers: dict[str, str]
    request_body: bytes
    #: False when the body was over MAX_REQUEST_BYTES and left unread
    request_read: bool
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    error_code: str | None
    fault: dict[str, Any] | None
    rules_relaxed: list[dict[str, Any]] | None


Sink = Callable[[Exchange], None]


class Capture:
    def __init__(
        self,
        app: WSGIApplication,
        now: Callable[[], str],
        prefixes: tuple[str, ...],
        max_request_bytes: int,
        sinks: Sequence[Sink],
    ) -> None:
        self.app = app
        self.now = now
        self.prefixes = prefixes
        self.max_request_bytes = max_request_bytes
        self.sinks = list(sinks)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        started = time.perf_counter()
        body, read = self._read_body(environ)
        seen: list[Any] = ["500 INTERNAL SERVER ERROR", []]

        def capture(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,
            /,
        ) -> Callable[[bytes], object]:
            seen[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks: list[bytes] = []
        try:
            result = self.app(environ, capture)
            try:
                chunks = list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            # Answered by the guard outside (a JSON 500); still recorded.
            environ.setdefault(ERROR_CODE, "INTERNAL")
            seen[:] = ["500 INTERNAL SERVER ERROR", []]
            raise
        finally:
            exchange = self._exchange(environ, body, read, seen, chunks, started)
            for sink in self.sinks:
                sink(exchange)
        return chunks

    def _read_body(self, environ: WSGIEnvironment) -> tuple[bytes, bool]:
        """The whole request body, and a fresh stream of it for the app. A
        body declared over MAX_REQUEST_BYTES is left for the app to refuse."""
        declared = str(environ.get("CONTENT_LENGTH") or "").strip()
        if declared.isdigit() and int(declared) > self.max_request_bytes:
            return b"", False
        if declared == "0" or not (declared or environ.get("wsgi.input_terminated")):
            return b"", True
        data = get_input_stream(environ, max_content_length=None).read()
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("wsgi.input_terminated", None)
        return data, True

    def _exchange(
        self,
        environ: WSGIEnvironment,
        body: bytes,
        read: bool,
        seen: list[Any],
        chunks: list[bytes],
        started: float,
    ) -> Exchange:
        status = int(str(seen[0]).split(" ", 1)[0])
        headers = {k.lower(): v for k, v in seen[1]}
        answer = b"".join(chunks)
        connection = environ.get(CONNECTION)
        if connection in ("reset", "empty"):
            status, headers, answer = 0, {}, b""  # the client got nothing
        elif connection == "truncate":
            answer = cut(answer)
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        return Exchange(
            time=self.now(),
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            method=environ.get("REQUEST_METHOD", ""),
            path=path,
            query=query,
            prefix=find_prefix(path, self.prefixes),
            site_id=environ.get(SITE) or _site_of(environ),
            operation=environ.get(OPERATION),
            request_headers=request_headers(environ),
            request_body=body,
            request_read=read,
            status=status,
            response_headers=headers,
            response_body=answer,
            error_code=environ.get(ERROR_CODE),
            fault=environ.get(FAULT),
            rules_relaxed=environ.get(RELAXED),
        )


def _site_of(environ: WSGIEnvironment) -> str | None:
    """The site a request names in its wix-site-id header. A /_fake/ route's
    ?siteId= is not used: listing a site's journal must not add to it."""
    header = str(environ.get("HTTP_WIX_SITE_ID", "")).strip()
    return header or None


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


class JournalSink:
    """Keeps each exchange in the journal, bodies cut to `body_bytes`."""

    def __init__(self, journal: Journal, body_bytes: int) -> None:
        self.journal = journal
        self.body_bytes = body_bytes

    def __call__(self, exchange: Exchange) -> None:
        limit = self.body_bytes
        request, response = exchange.request_body, exchange.response_body
        self.journal.record(
            Entry(
                time=exchange.time,
                duration_ms=exchange.duration_ms,
                request_id=exchange.response_headers.get("x-wix-request-id"),
                site_id=exchange.site_id,
                operation=exchange.operation,
                prefix=exchange.prefix,
                method=exchange.method,
                path=exchange.path,
                query=exchange.query,
                request_headers=exchange.request_headers,
                request_body=request[:limit],
                request_truncated=len(request) > limit or not exchange.request_read,
                status=exchange.status,
                response_headers=exchange.response_headers,
                response_body=response[:limit],
                response_truncated=len(response) > limit
                or (
                    exchange.fault is not None
                    and exchange.fault.get("connection") == "truncate"
                ),
                error_code=exchange.error_code,
                fault=exchange.fault,
                rules_relaxed=exchange.rules_relaxed,
            )
        )
