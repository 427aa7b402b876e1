"""The in-process server stops cleanly while requests are in flight, cycle after
cycle: no EBADF from waitress's trigger, no exception in any thread, no error
logged, no descriptor left open (testing/server.py `stop`)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from fakegallery import create_app
from fakegallery.testing.server import FakeGalleryServer

CLIENTS = 4
#: Requests the clients complete before each stop, so that more are in flight.
WARM = 6


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"SEED": 1, "FIXTURES": ["basic"]})


@pytest.fixture
def thread_errors() -> Iterator[list[BaseException]]:
    caught: list[BaseException] = []
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        caught.append(args.exc_value or RuntimeError(str(args.exc_type)))

    threading.excepthook = hook
    try:
        yield caught
    finally:
        threading.excepthook = previous


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def _cycle(app: Flask) -> int:
    """Start a server, keep CLIENTS keep-alive clients busy, stop it under them.
    Returns how many requests were answered."""
    server = FakeGalleryServer(app, threads=4).start()
    url = server.url + "/pro-gallery/v2/galleries"
    done = threading.Event()
    warm = threading.Event()
    answered = [0]

    def client() -> None:
        with requests.Session() as http:
            http.trust_env = False
            while not done.is_set():
                try:
                    response = http.get(url, headers={"Authorization": "k"}, timeout=10)
                except requests.RequestException:
                    return  # the server went away under this request: expected
                assert response.status_code == 200
                answered[0] += 1
                if answered[0] >= WARM:
                    warm.set()

    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()
    try:
        assert warm.wait(10), "the clients got no answers"
        server.stop()  # requests are in flight now
        assert not server.running
    finally:
        done.set()
        for thread in clients:
            thread.join(10)
    assert not any(t.is_alive() for t in clients)
    return answered[0]


@pytest.mark.parametrize(
    "cycles",
    [pytest.param(25, id="25"), pytest.param(300, id="300", marks=pytest.mark.slow)],
)
def test_start_stop_with_requests_in_flight(
    app: Flask,
    cycles: int,
    thread_errors: list[BaseException],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="waitress")
    # Warm up once: the first requests import modules and open files for good.
    _cycle(app)
    before = _open_descriptors()
    answered = sum(_cycle(app) for _ in range(cycles))
    assert answered >= cycles * WARM
    assert thread_errors == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert _open_descriptors() <= before
