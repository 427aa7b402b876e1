"""Connection faults (docs/journal-and-faults.md#connection-faults): the
outermost WSGI layer, which resets a connection, closes it without an answer,
or cuts the answer's body, when a fault rule asked for it.

A route asks by putting `reset`, `empty` or `truncate` in the environ under
`CONNECTION`. How the fault is carried out depends on what serves the app:

- waitress (the pytest plugin's server, ``fakegallery serve``): `empty` closes
  the connection before any byte is sent, `reset` does the same with SO_LINGER
  0 (the peer gets a TCP RST), `truncate` sends the headers and half the body,
  and waitress closes the connection because Content-Length is not reached;
- the socket-free client (testing/transport.py) catches `ConnectionDropped`
  and raises the `requests` exception a real socket would have caused;
- any other server gets `ConnectionDropped`, a ConnectionError, which
  werkzeug's server also answers by closing the connection.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: environ key: the connection fault a route asked for.
CONNECTION = "fakegallery.connection"
_WAITRESS = "waitress.client_disconnected"


class ConnectionDropped(ConnectionError):
    """The connection fault of a fault rule, for servers without sockets."""

    def __init__(
        self, kind: str, status: str, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        super().__init__(f"fakegallery fault: connection {kind}")
        self.kind = kind
        self.status = status
        self.headers = headers
        #: what the client receives of the body (`truncate` only)
        self.body = body


def cut(body: bytes) -> bytes:
    """The part of a body a `truncate` fault sends: the first half."""
    return body[: len(body) // 2]


class ConnectionFaults:
    """Holds the answer's start until the app returns, then sends it, or
    carries out the connection fault the route asked for."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        held: list[Any] = []
        written: list[bytes] = []

        def hold(
            status: str,
            headers: list[tuple[str, str]],
            exc_info: OptExcInfo | None = None,
            /,
        ) -> Callable[[bytes], object]:
            held[:] = [status, headers, exc_info]
            return written.append

        result = self.app(environ, hold)
        if not held:  # start_response may come with the first chunk (PEP 3333)
            result = _consume(result)
        kind = environ.get(CONNECTION)
        if kind is None:
            start_response(*held)
            if written:
                return [*written, *result]
            return result
        body = b"".join([*written, *_consume(result)])
        status, headers = held[0], held[1]
        if _WAITRESS in environ:
            return _on_waitress(environ, kind, status, headers, body, start_response)
        raise ConnectionDropped(kind, status, headers, cut(body))


def _consume(result: Iterable[bytes]) -> list[bytes]:
    try:
        return list(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


def _on_waitress(
    environ: WSGIEnvironment,
    kind: str,
    status: str,
    headers: list[tuple[str, str]],
    body: bytes,
    start_response: StartResponse,
) -> Iterable[bytes]:
    if kind == "truncate":
        # The full Content-Length with half the bytes: waitress logs "too few
        # bytes" and closes the connection, the client sees a short read.
        start_response(status, headers)
        return [cut(body)]
    from waitress.channel import ClientDisconnected

    if kind == "reset":
        # waitress passes its channel's method in the environ: its socket,
        # closed with SO_LINGER 0, sends a TCP RST instead of a FIN.
        channel = getattr(environ[_WAITRESS], "__self__", None)
        sock = getattr(channel, "socket", None)
        if isinstance(sock, socket.socket):
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
    # waitress closes a connection whose client it believes gone, sending nothing.
    raise ClientDisconnected
