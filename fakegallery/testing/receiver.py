"""A webhook receiver for tests: a loopback HTTP server in a thread that
records every POST and answers as scripted (docs/webhooks.md).

    with WebhookReceiver(public_key) as receiver:
        ...subscribe receiver.url, make changes...
        receiver.wait(3)
        [event["eventType"] for event in receiver.events()]

`respond(500, 200)` scripts the next answers (then `status`, 200 by
default); ``"hang"`` holds an answer until `release()` or `close()` (or
`hang_seconds`), which makes the sender time out. `hold()` makes every
request wait until `release()`: a receiver that is busy for as long as a test
wants, without sleeping.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

HANG = "hang"
#: Requests kept (oldest dropped first) and the largest body read.
MAX_REQUESTS = 10_000
MAX_BODY_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class Received:
    """One POST, recorded when it arrives: its path, headers, body and the
    status it was answered (None while held, or when it was never answered)."""

    path: str
    headers: dict[str, str]
    body: str
    status: int | None = None


class WebhookReceiver:
    def __init__(
        self,
        public_key: str | None = None,
        host: str = "127.0.0.1",
        status: int = 200,
        hang_seconds: float = 30.0,
    ) -> None:
        self.public_key = public_key
        self.host = host
        self.status = status
        self.hang_seconds = hang_seconds
        self._lock = threading.Condition()
        self._requests: deque[Received] = deque(maxlen=MAX_REQUESTS)
        self._script: deque[int | str] = deque()
        self._held = False
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the receiver is not started")
        return f"http://{self.host}:{self._server.server_port}/webhooks"

    def start(self) -> WebhookReceiver:
        handler = _handler_for(self)
        self._server = ThreadingHTTPServer((self.host, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            # a short poll interval: close() waits for the loop to notice
            target=self._server.serve_forever,
            args=(0.02,),
            name=f"webhook-receiver:{self._server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Let held requests go, stop serving and close the socket."""
        self._released.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> WebhookReceiver:
        return self.start() if self._server is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- scripting --------------------------------------------------------------------

    def respond(self, *answers: int | str) -> None:
        """Answer the next requests with these statuses (or ``"hang"``)."""
        with self._lock:
            self._script.extend(answers)

    def hold(self) -> None:
        """Make every request wait, unanswered, until `release()`."""
        self._released.clear()
        self._held = True

    def release(self) -> None:
        """Answer the held requests (and end the hanging ones)."""
        self._held = False
        self._released.set()

    # --- what arrived -----------------------------------------------------------------

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def bodies(self) -> list[str]:
        """The raw bodies (the JWTs), oldest first."""
        return [r.body for r in self.requests]

    def events(self, public_key: str | None = None) -> list[dict[str, Any]]:
        """Every body verified with the public key and unpacked (see
        control/webhooks/envelope.py `decode`), oldest first."""
        from ..control.webhooks.envelope import decode

        key = public_key or self.public_key
        if key is None:
            raise ValueError("give the fake's public key to verify the webhooks")
        return [decode(body, key) for body in self.bodies()]

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """Block until `count` requests arrived; AssertionError after
        `timeout` seconds, saying how many did."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._requests) >= count, timeout):
                raise AssertionError(
                    f"the receiver got {len(self._requests)} webhook(s) within "
                    f"{timeout} s, expected {count}"
                )
            return list(self._requests)

    # --- serving (called from the handler threads) -----------------------------------

    def _answer(self) -> int | None:
        with self._lock:
            planned = self._script.popleft() if self._script else self.status
        if self._held or planned == HANG:
            self._released.wait(self.hang_seconds)
            if planned == HANG:
                return None
        return int(planned)

    def _record(self, received: Received) -> None:
        with self._lock:
            self._requests.append(received)
            self._lock.notify_all()

    def _answered(self, received: Received, status: int | None) -> None:
        with self._lock:
            received.status = status
            self._lock.notify_all()


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self.send_error(413)
                return
            body = self.rfile.read(length).decode("utf-8", "replace")
            headers = {k.lower(): v for k, v in self.headers.items()}
            received = Received(self.path, headers, body)
            receiver._record(received)
            status = receiver._answer()
            receiver._answered(received, status)
            if status is None:  # the sender gave up long ago
                self.close_connection = True
                return
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `requests` instead."""

    return Handler
