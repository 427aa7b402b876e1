"""A `requests` transport adapter that hands each request to a WSGI app in the
same thread: the same client code as over HTTP, without a socket or a server."""

from __future__ import annotations

import http.client
import io
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.exceptions import ProtocolError

from ..web.connection import ConnectionDropped

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication as WsgiApp


class WSGIAdapter(BaseAdapter):
    """Mount it on a `requests.Session` for a base URL; every request to that
    URL runs through `app` in-process. Headers, body, query string, status and
    response headers travel as over HTTP; cookies and streaming uploads of
    unknown length are not supported (the fake needs neither).

    A request with a `timeout` goes to `timed` when one is given (a real
    HTTP adapter, for an app that a server also serves at that URL): a
    timeout is then a real one, e.g. against a delaying fault rule."""

    def __init__(self, app: WsgiApp, timed: BaseAdapter | None = None) -> None:
        super().__init__()
        self.app = app
        self.timed = timed

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if timeout is not None and self.timed is not None:
            return self.timed.send(request, stream, timeout, verify, cert, proxies)
        environ = self._environ(request)
        captured: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        chunks: list[bytes] = []
        try:
            result = self.app(environ, start_response)
        except ConnectionDropped as drop:
            raise dropped(drop, request) from None
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return self._response(request, captured, b"".join(chunks))

    def close(self) -> None:
        """Only the adapter of timed requests has connections to release."""
        if self.timed is not None:
            self.timed.close()

    @staticmethod
    def _environ(request: requests.PreparedRequest) -> dict[str, Any]:
        url = urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = b"".join(
                part.encode() if isinstance(part, str) else part for part in body
            )
        secure = url.scheme == "https"
        environ: dict[str, Any] = {
            "REQUEST_METHOD": (request.method or "GET").upper(),
            "SCRIPT_NAME": "",
            # PEP 3333: PATH_INFO is the decoded path as latin-1 "bytes in a str".
            "PATH_INFO": unquote_to_bytes(url.path or "/").decode("latin-1"),
            "QUERY_STRING": url.query,
            "SERVER_NAME": url.hostname or "localhost",
            "SERVER_PORT": str(url.port or (443 if secure else 80)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme or "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ["HTTP_" + key] = value
        environ.setdefault("HTTP_HOST", url.netloc)
        return environ

    def _response(
        self, request: requests.PreparedRequest, captured: dict[str, Any], body: bytes
    ) -> requests.Response:
        response = requests.Response()
        code, _, reason = str(captured["status"]).partition(" ")
        response.status_code = int(code)
        response.reason = reason
        response.headers = CaseInsensitiveDict(captured["headers"])
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = io.BytesIO(body)
        response.url = request.url or ""
        response.request = request
        return response


def dropped(
    drop: ConnectionDropped, request: requests.PreparedRequest
) -> requests.RequestException:
    """The exception `requests` raises when a real socket suffers the
    connection fault of a fault rule (docs/journal-and-faults.md)."""
    if drop.kind == "truncate":
        length = next(
            (int(v) for k, v in drop.headers if k.lower() == "content-length"),
            len(drop.body) * 2,
        )
        short = http.client.IncompleteRead(drop.body, length - len(drop.body))
        return requests.exceptions.ChunkedEncodingError(
            ProtocolError(f"Connection broken: {short!r}", short), request=request
        )
    reason: OSError
    if drop.kind == "reset":
        reason = ConnectionResetError(104, "Connection reset by peer")
    else:
        reason = http.client.RemoteDisconnected(
            "Remote end closed connection without response"
        )
    return requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", reason), request=request
    )


def wsgi_session(
    app: WsgiApp,
    base_url: str = "http://fakegallery.local",
    headers: Mapping[str, str] | None = None,
    served: bool = False,
) -> requests.Session:
    """A `requests.Session` whose requests to `base_url` run through `app`
    without sockets (`trust_env` off: no proxy lookup). `served`: a server
    serves `app` at `base_url`, so requests with a timeout go to it."""
    session = requests.Session()
    session.trust_env = False
    timed = HTTPAdapter() if served else None
    session.mount(base_url.rstrip("/") + "/", WSGIAdapter(app, timed))
    if headers:
        session.headers.update(headers)
    return session
