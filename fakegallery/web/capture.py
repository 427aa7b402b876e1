"""One capture of every request and its answer, handed to sinks as an `Entry`
(state/entries.py): the request journal (state/journal.py) and the opt-in wire
log (web/wirelog.py).

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


#: A receiver of each captured exchange (the journal, the wire log).
Sink = Callable[[Entry], None]

#: The header the dashboard's own polling sends (docs/dashboard.md): such
#: requests are not recorded, so watching the journal does not fill it.
DASHBOARD_MARK = "HTTP_X_FAKEGALLERY_DASHBOARD"
#: Methods whose requests carry no body unless they declare one.
_BODILESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
_CONTENT = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})
#: Environ keys that are never request headers (CGI, WSGI, the servers, Flask
#: and the fake's own), left out before the loop in `request_headers`.
_NOT_HEADERS = frozenset(
    {
        *("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"),
        *("REQUEST_URI", "RAW_URI", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT"),
        *("SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE"),
        *("wsgi.version", "wsgi.url_scheme", "wsgi.input", "wsgi.errors"),
        *("wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once"),
        *("wsgi.file_wrapper", "wsgi.input_terminated"),
        *("waitress.client_disconnected", "werkzeug.request", "werkzeug.socket"),
        *(OPERATION, SITE, ERROR_CODE, FAULT, RELAXED, CONNECTION),
    }
)


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
        if environ.get(DASHBOARD_MARK):
            return self.app(environ, start_response)  # the dashboard's polling
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
            entry = self._entry(environ, body, read, seen, chunks, started)
            for sink in self.sinks:
                sink(entry)
        return chunks

    def _read_body(self, environ: WSGIEnvironment) -> tuple[bytes, bool]:
        """The whole request body, and a fresh stream of it for the app. A
        body declared over MAX_REQUEST_BYTES is left for the app to refuse."""
        declared = str(environ.get("CONTENT_LENGTH") or "").strip()
        if not declared and (
            environ.get("REQUEST_METHOD") in _BODILESS
            or not environ.get("wsgi.input_terminated")
        ):
            return b"", True  # nothing declared, nothing (chunked) to read
        if declared == "0":
            return b"", True
        if declared.isdigit() and int(declared) > self.max_request_bytes:
            return b"", False
        data = get_input_stream(environ, max_content_length=None).read()
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("wsgi.input_terminated", None)
        return data, True

    def _entry(
        self,
        environ: WSGIEnvironment,
        body: bytes,
        read: bool,
        seen: list[Any],
        chunks: list[bytes],
        started: float,
    ) -> Entry:
        """The exchange as the client saw it, whole (sinks cut what they keep)."""
        status = int(str(seen[0])[:3])
        headers: Headers = tuple(seen[1])
        answer = b"".join(chunks)
        connection = environ.get(CONNECTION)
        if connection in ("reset", "empty"):
            status, headers, answer = 0, (), b""  # the client got nothing
        elif connection == "truncate":
            answer = cut(answer)
        path = environ.get("PATH_INFO", "")
        return Entry(
            time=self.now(),
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
            site_id=environ.get(SITE) or _site_of(environ),
            operation=environ.get(OPERATION),
            prefix=find_prefix(path, self.prefixes),
            method=environ.get("REQUEST_METHOD", ""),
            path=path,
            query=environ.get("QUERY_STRING", ""),
            request_headers=request_headers(environ),
            request_body=body,
            request_truncated=not read,
            status=status,
            response_headers=headers,
            response_body=answer,
            response_truncated=connection == "truncate",
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
    """The request headers with their WSGI names (converted when read), in
    name order. The set difference runs in C, so the loop only sees the few
    keys that may be headers."""
    names = sorted(environ.keys() - _NOT_HEADERS)
    return tuple(
        (name, environ[name])
        for name in names
        if name[:5] == "HTTP_" or (name in _CONTENT and environ[name])
    )


class JournalSink:
    """Keeps each exchange in the journal, bodies cut to `body_bytes`."""

    def __init__(self, journal: Journal, body_bytes: int) -> None:
        self.journal = journal
        self.body_bytes = body_bytes

    def __call__(self, entry: Entry) -> None:
        limit = self.body_bytes
        request, response = entry.request_body, entry.response_body
        if len(request) > limit or len(response) > limit:
            # a copy: other sinks (the wire log) keep the whole bodies
            entry = entry.replace(
                request_body=request[:limit],
                request_truncated=entry.request_truncated or len(request) > limit,
                response_body=response[:limit],
                response_truncated=entry.response_truncated or len(response) > limit,
            )
        self.journal.record(entry)
