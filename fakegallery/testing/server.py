"""An in-process waitress server in a thread: binds at once, waits for readiness
by polling, stops in milliseconds and closes its socket (docs/contributing.md,
benchmarks). The server itself (JSON refusals, limits, a clean stop) is
web/serving.py, shared with `fakegallery serve`."""

from __future__ import annotations

import http.client
import logging
import threading
import time
import traceback
from types import TracebackType
from typing import TYPE_CHECKING

from flask import Flask

from ..fake import FakeGallery
from ..web import serving

log = logging.getLogger("fakegallery")

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
        self._server: serving.Server | None = None
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
        # Bind here, not in waitress: its failed bind leaks the socket, the
        # trigger pipe and the worker threads it has already started.
        try:
            sock = serving.bind(self.host, self.port)
        except serving.BindError as exc:
            raise ServerError(f"fakegallery: {exc}") from exc
        try:
            server = serving.create_server(self.app, sock, self.threads)
        except BaseException:
            sock.close()
            raise
        if not serving.is_loopback(sock) and not self.fake.settings.control_token:
            log.warning("fakegallery: %s", serving.exposure_warning(self.host))
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
        assert self._server is not None
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
        """Stop accepting, let requests in flight finish, close every
        connection, end the loop and the worker threads, and close the
        listening socket (web/serving.py orders it so that no thread writes to
        a closed descriptor); then stop the fake's background webhook sender.
        Takes milliseconds when nothing is in flight."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.stop(thread, int(READY_TIMEOUT))
        self._server = None
        self._thread = None
        self.fake.close()  # the async webhook sender, if one runs
        if thread.is_alive():
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


def format_errors(errors: list[BaseException]) -> str:
    """A readable report of server-side exceptions, tracebacks included."""
    parts = [
        f"the fake raised {len(errors)} exception(s) while serving (answered 500):"
    ]
    for error in errors:
        parts.append("".join(traceback.format_exception(error)).rstrip())
    return "\n\n".join(parts)
