"""An in-process waitress server in a thread: binds at once, waits for readiness
by polling, stops in milliseconds and closes its socket (docs/contributing.md,
benchmarks)."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import traceback
from types import TracebackType
from typing import TYPE_CHECKING, Any

from flask import Flask

from ..fake import FakeGallery

if TYPE_CHECKING:
    from .control import InProcessControl

#: How long `start()` waits for the first answer of /_fake/health.
READY_TIMEOUT = 10.0


class ServerError(RuntimeError):
    """The in-process server could not start, or the fake raised while serving."""


class FakeGalleryServer:
    """One app served by waitress on a loopback port, in a daemon thread.

    `start()` binds in the caller's thread, so a taken port raises at once (moto's
    threaded server waits forever there, a known moto complaint). Readiness is a GET of
    /_fake/health, answered by the server loop itself: no sleeping.
    """

    def __init__(
        self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 4
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    # --- lifecycle --------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def url(self) -> str:
        """The origin, e.g. ``http://127.0.0.1:54321`` (no trailing slash)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def fake(self) -> FakeGallery:
        fake: FakeGallery = self.app.extensions["fakegallery"]
        return fake

    def start(self, timeout: float = READY_TIMEOUT) -> FakeGalleryServer:
        """Bind, serve in a thread and return once /_fake/health answers."""
        if self._thread is not None:
            raise ServerError("the server is already started")
        from waitress.server import create_server

        # Bind here, not in waitress: its failed bind leaks the socket, the
        # trigger pipe and the worker threads it has already started.
        sock = _bind(self.host, self.port)
        try:
            server: Any = create_server(
                self.app, sockets=[sock], threads=self.threads, ident="fakegallery"
            )
        except BaseException:
            sock.close()
            raise
        self._server = server
        self.port = int(server.effective_port)
        self._thread = threading.Thread(
            target=self._serve, name=f"fakegallery:{self.port}", daemon=True
        )
        self._thread.start()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _serve(self) -> None:
        try:
            self._server.run()
        except BaseException as exc:  # reported by start() / stop()
            self._failure = exc

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._failure is not None or not self.running:
                raise ServerError(
                    f"fakegallery: the server thread died: {self._failure!r}"
                ) from self._failure
            left = max(deadline - time.monotonic(), 0.01)
            conn = http.client.HTTPConnection(self.host, self.port, timeout=left)
            try:
                # Blocks until the server loop answers: a poll, not a sleep.
                conn.request("GET", "/_fake/health")
                if conn.getresponse().status == 200:
                    return
            except OSError as exc:
                last = exc
            finally:
                conn.close()
        raise ServerError(
            f"fakegallery: no answer from {self.url}/_fake/health within "
            f"{timeout} s (last error: {last!r})"
        )

    def stop(self) -> None:
        """Stop in an order that leaves no thread touching a closed descriptor,
        in milliseconds:

        1. the worker threads finish the requests they serve and end (the loop
           still runs, so their answers are sent) and queued requests are
           dropped;
        2. a thunk run by the loop thread closes every connection and the
           listening socket, and takes the trigger out of the map without
           closing it: the map is empty, so the loop ends;
        3. only then, with no worker and no loop left to write to it, the
           trigger's pipe is closed, and the fake's background webhook sender
           stops (up to an in-progress attempt's timeout in async mode).

        Closing the trigger inside the thunk (or through ``server.close()``)
        races: a worker that just finished a request, or this thread's own
        `pull_trigger` right after its thunk ran, writes to a descriptor that
        is closed (EBADF) or already reused by another file.
        """
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = None
        self._thread = None
        trigger = server.trigger
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=READY_TIMEOUT)
        if thread.is_alive():
            trigger.pull_trigger(lambda: _close_channels(server))
            thread.join(READY_TIMEOUT)
        else:
            _close_channels(server)
        stopped = not thread.is_alive()
        if stopped:
            trigger.close()
        self.fake.close()  # the async webhook sender, if one runs
        if not stopped:
            raise ServerError(f"fakegallery: the server at {self.url} did not stop")

    def control(self) -> InProcessControl:
        """How a test handle reaches this server's fake (testing/control.py)."""
        from .control import InProcessControl

        return InProcessControl(self)

    def __enter__(self) -> FakeGalleryServer:
        return self if self.running else self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- server-side errors ---------------------------------------------------------

    def take_errors(self) -> list[BaseException]:
        """Return and forget the exceptions the fake raised while serving."""
        return self.fake.take_errors()

    def check_errors(self) -> None:
        """Raise ServerError with the traceback of every exception the fake
        raised (each was answered 500) since the last check."""
        errors = self.take_errors()
        if errors:
            raise ServerError(format_errors(errors))


def _close_channels(server: Any) -> None:
    """Close every connection and the listening socket of a waitress server and
    take its trigger out of the socket map, leaving the trigger open. Run in
    the loop thread (or after it ended): an empty map ends the loop."""
    from waitress import wasyncore

    socket_map: dict[int, Any] = server._map
    for channel in list(socket_map.values()):
        if channel is server.trigger:
            channel.del_channel()
        elif channel is server:
            # Not server.close(): waitress closes the trigger there too.
            server.accepting = False
            wasyncore.dispatcher.close(server)
        else:
            channel.close()


def _bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket, or ServerError naming the address (a taken port)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
    except OSError as exc:
        raise ServerError(f"fakegallery: cannot resolve {host!r}: {exc}") from exc
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise ServerError(
            f"fakegallery: cannot listen on {host}:{port}: {reason}"
        ) from exc
    return sock


def format_errors(errors: list[BaseException]) -> str:
    """A readable report of server-side exceptions, tracebacks included."""
    parts = [
        f"the fake raised {len(errors)} exception(s) while serving (answered 500):"
    ]
    for error in errors:
        parts.append("".join(traceback.format_exception(error)).rstrip())
    return "\n\n".join(parts)
