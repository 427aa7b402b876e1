"""The HTTP server under the fake: waitress, with the fake's policy down to
the HTTP layer (docs/configuration.md, "The HTTP server").

- What waitress refuses before the app sees a request (a malformed request
  line or header, headers past SERVER_MAX_HEADER_BYTES, a body past the
  largest body limit, an unsupported Transfer-Encoding) is answered in the Wix
  error shape with an ``X-Wix-Request-Id``, not waitress's text/plain.
- ``Expect: 100-continue`` on a request whose body is already complete (or
  empty) is served at once; waitress 3.0.2 would wait for the channel timeout.
- Connection limit, idle/slow-client timeout and header size are settings
  (SERVER_CONNECTION_LIMIT, SERVER_CHANNEL_TIMEOUT, SERVER_MAX_HEADER_BYTES).
- Waking the server loop after it closed is a no-op, never an
  ``OSError: [Errno 9]`` in a worker thread (or a byte written into whatever
  file reused the descriptor); `stop` lets requests in flight finish first.
- Each request's environ says whether the server listens on loopback only,
  for the Host check (web/guard.py).

Not JSON, by nature (documented in docs/configuration.md): the interim
``100 Continue``, a connection closed after SERVER_CHANNEL_TIMEOUT idle seconds,
and connections past SERVER_CONNECTION_LIMIT, which wait in the listen backlog.

This module uses waitress internals (channel, task and server classes), hence
the upper bound on waitress in pyproject.toml.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import orjson
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from ..errors import FakeGalleryError, HttpRefusal, Internal, PayloadTooLarge
from . import guard

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask

    from ..fake import FakeGallery

log = logging.getLogger("fakegallery")

#: File descriptors kept free for everything but connections (the listening
#: socket, the trigger, log files, fixtures being read).
SPARE_FDS = 64


class BindError(OSError):
    """The address cannot be listened on; the message names it."""


def bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket (one address: the first `host` resolves to)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except OSError as exc:
        raise BindError(f"cannot resolve {host!r}: {exc}") from exc
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise BindError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from exc
    return sock


def is_loopback(sock: socket.socket) -> bool:
    """True when the socket listens on a loopback address only."""
    address = sock.getsockname()[0]
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str:
    """What a server listening beyond loopback without CONTROL_TOKEN warns:
    `fakegallery serve` on stderr, the pytest plugin's server on the
    `fakegallery` logger (docs/control-plane.md, "Safety")."""
    return (
        f"listening on {host}, beyond loopback: anyone who can reach this address "
        "can read and change the fake's data through /_fake/ and the dashboard "
        "(they have no authentication). Set the CONTROL_TOKEN setting (serve: "
        f"--config CONTROL_TOKEN=<secret>); clients then send it in the "
        f"{guard.TOKEN_HEADER} header."
    )


def connection_limit(wanted: int) -> int:
    """`wanted`, or fewer when the process may not open that many files."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return wanted
    if soft == resource.RLIM_INFINITY or soft - SPARE_FDS >= wanted:
        return wanted
    usable = max(soft - SPARE_FDS, 1)
    log.warning(
        "SERVER_CONNECTION_LIMIT %d is above what the open-files limit (%d) "
        "allows; using %d",
        wanted,
        soft,
        usable,
    )
    return usable


def refusal(status: int, reason: str, detail: str) -> FakeGalleryError:
    """The fake's error for a refusal by waitress."""
    text = f"{reason}: {detail}".strip().rstrip(":")
    if status == 413:
        return PayloadTooLarge(f"the request body is larger than the limit ({detail})")
    if status >= 500 and status != 501:
        return Internal(f"internal error in the HTTP server: {reason}")
    return HttpRefusal(status, text)


class JsonErrorTask(ErrorTask):
    """waitress's refusal, in the Wix error shape with a request id."""

    def execute(self) -> None:
        request: Any = self.request
        problem = request.error  # a waitress.utilities.Error
        server: Any = self.channel.server
        error = refusal(problem.code, problem.reason, str(problem.body))
        body = orjson.dumps(error.to_body())
        self.status = f"{problem.code} {problem.reason}"
        headers: list[tuple[str, str]] = self.response_headers  # type: ignore[assignment]
        headers.extend(
            [
                ("Content-Type", "application/json"),
                ("X-Wix-Request-Id", server.fake.ids.request_id()),
                ("X-Content-Type-Options", "nosniff"),
            ]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonChannel(HTTPChannel):
    error_task_class = JsonErrorTask

    def send_continue(self) -> None:
        # A request already complete (no body, or the body came with the
        # headers) has nothing to wait for; waitress would mark it incomplete
        # again and never serve it.
        if self.request is not None and self.request.completed:
            self.request.expect_continue = False
            return
        super().send_continue()


class Server(TcpWSGIServer):
    """One listening socket served by waitress with the fake's channel."""

    channel_class = JsonChannel
    effective_port: int
    _map: dict[int, Any]  # waitress's socket map: the loop ends when it is empty

    def __init__(
        self,
        app: WSGIApplication,
        sock: socket.socket,
        fake: FakeGallery,
        adj: Adjustments,
    ) -> None:
        self.fake = fake
        self._wake_lock = threading.Lock()
        self._closed = False
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(adj.threads)
        sockinfo = (sock.family, sock.type, sock.proto, sock.getsockname())
        super().__init__(
            app,
            map={},
            _sock=sock,
            dispatcher=dispatcher,
            adj=adj,
            bind_socket=False,
            sockinfo=sockinfo,
        )

    def pull_trigger(self) -> None:
        self.call_in_loop(None)

    def call_in_loop(self, thunk: Callable[[], None] | None) -> bool:
        """Wake the server loop (and run `thunk` in it); False once closed."""
        with self._wake_lock:
            if self._closed:
                return False
            trigger: Any = self.trigger
            trigger.pull_trigger(thunk)
            return True

    def _close_trigger(self) -> None:
        with self._wake_lock:
            if not self._closed:
                self._closed = True
                trigger: Any = self.trigger
                trigger.close()

    def close(self) -> None:
        self._close_trigger()
        wasyncore.dispatcher.close(self)

    def stop(self, loop: threading.Thread | None, timeout: int) -> None:
        """Stop accepting, let the requests in flight finish (up to
        `timeout`), then close every connection and end the loop. `loop` is
        the thread running `run()`, if it still runs."""
        if loop is None or not loop.is_alive():
            self.task_dispatcher.shutdown(timeout=int(timeout))
            self._close_all()
            return
        self.call_in_loop(lambda: wasyncore.dispatcher.close(self))
        self.task_dispatcher.shutdown(timeout=int(timeout))
        if not self.call_in_loop(self._close_all):
            self._close_all()
        loop.join(timeout)

    def _close_all(self) -> None:
        # In the loop thread: an empty socket map ends the loop.
        for channel in list(self._map.values()):
            if channel is not self.trigger:
                channel.close()
        self._close_trigger()


def create_server(app: Flask, sock: socket.socket, threads: int = 4) -> Server:
    """A waitress server for `app` on the bound socket `sock`, configured
    from the app's settings."""
    fake: FakeGallery = app.extensions["fakegallery"]
    settings = fake.settings
    loopback = is_loopback(sock)
    timeout = settings.server_channel_timeout
    adj = Adjustments(
        sockets=[sock],
        threads=threads,
        ident="fakegallery",
        connection_limit=connection_limit(settings.server_connection_limit),
        channel_timeout=timeout,
        cleanup_interval=max(1, min(30, timeout // 2)),
        max_request_header_size=settings.server_max_header_bytes,
        max_request_body_size=max(
            settings.max_request_bytes, settings.max_media_request_bytes
        ),
        expose_tracebacks=False,
    )
    return Server(mark(app, loopback), sock, fake, adj)


def mark(app: WSGIApplication, loopback: bool) -> WSGIApplication:
    """`app`, told in each environ whether the server listens on loopback."""

    def marked(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        environ[guard.LOOPBACK] = loopback
        return app(environ, start_response)

    return marked
