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
from datetime import datetime
from typing import TYPE_CHECKING, Any

from werkzeug.wsgi import get_input_stream

from ..state.globs import find_prefix
from ..state.journal import Entry, Headers, Journal
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


@dataclass(slots=True)
class Exchange:
    """One request and the answer the client received, whole. Headers are
    kept as captured (state/journal.py `header_dict` reads them)."""

    time: datetime
    duration_ms: float
    method: str
    path: str
    query: str
    prefix: str | None
    site_id: str | None
    operation: str | None
    request_headers: Headers
    request_body: bytes
    #: False when the body was over MAX_REQUEST_BYTES and left unread
    request_read: bool
    status: int
    response_headers: Headers
    response_body: bytes
    error_code: str | None
    fault: dict[str, Any] | None
    rules_relaxed: list[dict[str, Any]] | None


Sink = Callable[[Exchange], None]


class Capture:
    def __init__(
        self,
        app: WSGIApplication,
        now: Callable[[], datetime],
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
        status = int(str(seen[0])[:3])
        headers: Headers = tuple(seen[1])
        answer = b"".join(chunks)
        connection = environ.get(CONNECTION)
        if connection in ("reset", "empty"):
            status, headers, answer = 0, (), b""  # the client got nothing
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


def request_headers(environ: WSGIEnvironment) -> Headers:
    """The request headers with their WSGI names (converted when read)."""
    pairs = [item for item in environ.items() if item[0][:5] == "HTTP_"]
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        value = environ.get(name)
        if value:
            pairs.append((name, value))
    return tuple(pairs)


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
