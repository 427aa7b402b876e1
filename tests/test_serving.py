"""The HTTP layer over real sockets (web/serving.py): what waitress refuses is
Wix-shaped JSON with a request id, Expect: 100-continue never hangs, idle
connections neither starve the server nor stay forever, and stopping the
server never fails a worker thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from flask import Flask

from fakegallery import create_app
from fakegallery.testing.server import FakeGalleryServer

TIMEOUT = 10.0


@pytest.fixture
def server() -> Iterator[FakeGalleryServer]:
    with FakeGalleryServer(create_app({"SEED": 9})) as running:
        yield running


def connect(server: FakeGalleryServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=TIMEOUT)


def exchange(
    server: FakeGalleryServer, raw: bytes
) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes, read one whole answer (status, headers, body)."""
    with connect(server) as sock:
        sock.sendall(raw)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One final answer; an interim ``100 Continue`` before it is skipped."""
    data = b""
    while True:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed before an answer: {data!r}"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 100 "):
            break
        data = body
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {
        k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])
    }
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return status, headers, body


# --- 12. what waitress refuses is JSON ---------------------------------------------


HOST = b"Host: 127.0.0.1\r\n"


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"get /_fake/health HTTP/1.1\r\n" + HOST + b"\r\n", 400, "BAD_REQUEST"),
        (
            b"GET /_fake/health HTTP/1.1\r\n"
            + HOST
            + b"X-A: "
            + b"a" * 300_000
            + b"\r\n\r\n",
            431,
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
        ),
        (
            b"POST /_fake/reset HTTP/1.1\r\n"
            + HOST
            + b"Content-Length: 2000000000\r\n\r\n",
            413,
            "REQUEST_ENTITY_TOO_LARGE",
        ),
        (
            b"POST /_fake/reset HTTP/1.1\r\n" + HOST + b"Content-Length: abc\r\n\r\n",
            400,
            "BAD_REQUEST",
        ),
        (
            b"POST /_fake/reset HTTP/1.1\r\n"
            + HOST
            + b"Transfer-Encoding: gzip\r\n\r\n",
            501,
            "NOT_IMPLEMENTED",
        ),
        (
            b"POST /_fake/reset HTTP/1.1\r\n"
            + HOST
            + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
            400,
            "BAD_REQUEST",
        ),
        (b"\x00\x01 garbage\r\n\r\n", 400, "BAD_REQUEST"),
        (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n" + HOST + b"\r\n", 431, None),
    ],
    ids=[
        "lowercase-method",
        "300KB-header",
        "2GB-content-length",
        "bad-content-length",
        "gzip-transfer-encoding",
        "bad-chunk",
        "garbage",
        "100KB-path",
    ],
)
def test_http_refusals_are_wix_shaped(
    server: FakeGalleryServer, raw: bytes, status: int, code: str | None
) -> None:
    got, headers, body = exchange(server, raw)
    assert got == status
    assert headers["content-type"] == "application/json"
    assert headers["x-wix-request-id"]
    error = orjson.loads(body)["details"]["applicationError"]
    assert error["code"] == (code or "REQUEST_HEADER_FIELDS_TOO_LARGE")
    assert orjson.loads(body)["message"]


# --- 11. Expect: 100-continue -----------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [b"", b"Content-Length: 0\r\n"],
    ids=["no-length", "zero-length"],
)
def test_expect_continue_without_a_body_is_served_at_once(
    server: FakeGalleryServer, extra: bytes
) -> None:
    raw = b"POST /_fake/reset HTTP/1.1\r\n" + HOST + b"Expect: 100-continue\r\n"
    status, _, body = exchange(server, raw + extra + b"\r\n")
    assert (status, body) == (200, b"{}")


def test_expect_continue_with_the_body_sent_along(server: FakeGalleryServer) -> None:
    body = b'{"freeze": "2030-01-01T00:00:00Z"}'
    raw = (
        b"POST /_fake/clock HTTP/1.1\r\n"
        + HOST
        + b"Expect: 100-continue\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    status, _, answer = exchange(server, raw)
    assert status == 200
    assert orjson.loads(answer)["frozen"] is True


def test_expect_continue_with_a_body_to_come_still_works(
    server: FakeGalleryServer,
) -> None:
    body = b'{"freeze": true}'
    with connect(server) as sock:
        sock.sendall(
            b"POST /_fake/clock HTTP/1.1\r\n"
            + HOST
            + b"Expect: 100-continue\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        status, _, answer = read_answer(sock)
    assert status == 200
    assert orjson.loads(answer)["frozen"] is True


# --- 13. idle connections ------------------------------------------------------------


HEALTH = b"GET /_fake/health HTTP/1.1\r\n" + HOST + b"\r\n"


def test_many_idle_keep_alive_connections_do_not_starve_the_server(
    server: FakeGalleryServer,
) -> None:
    idle: list[socket.socket] = []
    try:
        for _ in range(150):  # waitress's default limit is 100
            sock = connect(server)
            sock.sendall(HEALTH)
            assert read_answer(sock)[0] == 200  # answered, kept alive
            idle.append(sock)
        assert exchange(server, HEALTH)[0] == 200
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize(
    "sent",
    [HEALTH, b"GET /_fake/health HTTP/1.1\r\nHost: 127"],
    ids=["idle-after-a-request", "stalled-mid-headers"],
)
def test_an_idle_or_stalled_connection_is_closed(sent: bytes) -> None:
    app = create_app({"SERVER_CHANNEL_TIMEOUT": 1})
    with FakeGalleryServer(app) as server, connect(server) as sock:
        sock.sendall(sent)
        if sent == HEALTH:
            assert read_answer(sock)[0] == 200
        deadline = time.monotonic() + TIMEOUT
        closed = False
        while time.monotonic() < deadline and not closed:
            try:
                closed = sock.recv(65536) == b""  # blocks until data or close
            except ConnectionResetError:
                closed = True
        assert closed, "the server kept an idle connection"


# --- 14. stopping never fails a worker thread ------------------------------------


def test_a_wake_up_after_stop_is_harmless() -> None:
    server = FakeGalleryServer(create_app({})).start()
    inner = server._server
    assert inner is not None
    server.stop()
    inner.pull_trigger()  # what a late worker thread does; was EBADF


def test_a_request_in_flight_finishes_before_the_server_closes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crashed: list[BaseException | None] = []
    monkeypatch.setattr(
        threading, "excepthook", lambda args: crashed.append(args.exc_value)
    )
    app = create_app({})
    release = threading.Event()
    entered = threading.Event()

    def slow() -> Any:
        entered.set()
        release.wait(TIMEOUT)
        return {"done": True}

    app.add_url_rule("/_fake/test-slow", "slow", slow)
    server = FakeGalleryServer(app).start()
    inner = server._server
    assert inner is not None
    dispatcher = inner.task_dispatcher
    shutdown = dispatcher.shutdown

    def shutdown_releasing(*args: Any, **kw: Any) -> Any:
        release.set()  # the request finishes while the server stops
        return shutdown(*args, **kw)

    monkeypatch.setattr(dispatcher, "shutdown", shutdown_releasing)
    answers: list[int] = []

    def call() -> None:
        try:
            with connect(server) as sock:
                sock.sendall(b"GET /_fake/test-slow HTTP/1.1\r\n" + HOST + b"\r\n")
                answers.append(read_answer(sock)[0])
        except (AssertionError, OSError):
            answers.append(0)

    client = threading.Thread(target=call)
    client.start()
    assert entered.wait(TIMEOUT)
    server.stop()
    client.join(TIMEOUT)
    assert crashed == []
    assert answers == [200]


def test_start_stop_cycles_with_traffic(monkeypatch: pytest.MonkeyPatch) -> None:
    crashed: list[BaseException | None] = []
    monkeypatch.setattr(
        threading, "excepthook", lambda args: crashed.append(args.exc_value)
    )
    app: Flask = create_app({})
    for _ in range(15):
        server = FakeGalleryServer(app, threads=2).start()
        socks = [connect(server) for _ in range(4)]
        for sock in socks:
            sock.sendall(HEALTH * 3)  # pipelined: some still in flight at stop
        server.stop()
        for sock in socks:
            sock.close()
    assert crashed == []
