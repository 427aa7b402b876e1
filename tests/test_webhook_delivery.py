"""Webhook delivery when receivers misbehave (docs/webhooks.md): a 500 then a
200, a receiver that hangs past the timeout, a dead port, a receiver held busy
while 8 threads write; retries on the fake's clock in sync and async mode;
the delivery log shows every attempt; the test handle's helpers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import orjson
import pytest
import requests

from fakegallery import create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.state import events as ev
from fakegallery.testing.handle import GallerySite
from fakegallery.testing.receiver import WebhookReceiver
from fakegallery.testing.server import FakeGalleryServer

FROZEN = "2030-01-01T00:00:00Z"
SITE = "5a1e0c7d-1111-4222-8333-944455566677"
HEADERS = {"Authorization": "k", "wix-site-id": SITE}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture
def serve(webhook_key_file: str) -> Iterator[Any]:
    """Start an in-process server with these settings (stopped afterwards)."""
    servers: list[FakeGalleryServer] = []

    def start(**settings: Any) -> tuple[FakeGalleryServer, FakeGallery]:
        config = {"SEED": 5, "WEBHOOK_PRIVATE_KEY_FILE": webhook_key_file}
        server = FakeGalleryServer(create_app({**config, **settings})).start()
        servers.append(server)
        return server, server.fake

    yield start
    for server in servers:
        server.stop()
        assert server.take_errors() == []


def create_gallery(url: str, **gallery: Any) -> requests.Response:
    response = requests.post(
        f"{url}/pro-gallery/v2/galleries", json={"gallery": gallery}, headers=HEADERS
    )
    assert response.status_code == 200, response.text
    return response


# --- sync mode, through the test handle -----------------------------------------------


def test_500_then_200_is_retried_on_the_clock_and_delivered_once(
    fakegallery: GallerySite,
):
    receiver = fakegallery.webhook_receiver()
    receiver.respond(500)
    fakegallery.freeze(FROZEN)
    fakegallery.client.post(f"{fakegallery.api_url}/galleries", json={})
    [entry] = fakegallery.deliveries()
    assert entry["state"] == "pending"
    assert [a["status"] for a in entry["attempts"]] == [500]
    assert entry["nextAttemptAt"] == "2030-01-01T00:00:01Z"  # WEBHOOK_RETRY_MS
    fakegallery.advance(0.5)
    assert len(receiver.requests) == 1  # not due yet
    fakegallery.advance(0.5)
    [entry] = fakegallery.deliveries()
    assert entry["state"] == "delivered"
    assert [(a["at"], a.get("status")) for a in entry["attempts"]] == [
        ("2030-01-01T00:00:00Z", 500),
        ("2030-01-01T00:00:01Z", 200),
    ]
    fakegallery.advance(3600)
    assert [r.status for r in receiver.requests] == [500, 200]
    first, second = (e["claims"]["data"] for e in receiver.events())
    assert first == second
    assert entry["jwt"] == receiver.bodies()[1]


def test_dead_port_is_dead_lettered_after_the_attempts_with_doubling_waits(
    fakegallery: GallerySite, dead_url: str
):
    fakegallery.freeze(FROZEN)
    fakegallery.subscribe(dead_url, events=[ev.GALLERY_CREATED])
    fakegallery.client.post(f"{fakegallery.api_url}/galleries", json={})
    for seconds in (1, 2, 4, 8, 3600):
        fakegallery.advance(seconds)
    [entry] = fakegallery.deliveries(state="dead")
    times = [a["at"][17:19] for a in entry["attempts"]]
    assert times == ["00", "01", "03", "07", "15"]  # waits of 1, 2, 4, 8 s
    for attempt in entry["attempts"]:
        assert attempt["error"].startswith("cannot connect: ")
        assert "refused" in attempt["error"]
    assert all("status" not in a for a in entry["attempts"])
    assert entry["nextAttemptAt"] is None
    assert fakegallery.deliveries(state="pending") == []


def test_handle_receiver_sees_the_event_before_the_call_returns(
    fakegallery: GallerySite,
):
    receiver = fakegallery.webhook_receiver(events=[ev.ITEM_CREATED])
    gallery = fakegallery.client.post(
        f"{fakegallery.api_url}/galleries",
        json={"gallery": {"items": [{"text": {"html": "x"}}]}},
    ).json()["gallery"]
    [event] = receiver.events()  # no waiting: sync mode
    assert event["event"]["actionEvent"]["body"]["item"] == gallery["items"][0]
    assert event["accountInfo"]["siteId"] == fakegallery.site_id
    [delivered] = fakegallery.wait_for_delivery(ev.ITEM_CREATED, timeout=0.1)
    assert delivered["eventId"] == event["event"]["id"]
    with pytest.raises(AssertionError, match="expected 2 delivered deliveries"):
        fakegallery.wait_for_delivery(ev.ITEM_CREATED, count=2, timeout=0.05)


def test_handle_cleanup_drops_subscriptions_and_restores_the_mode(
    fakegallery: GallerySite,
):
    webhooks = fakegallery.fake.webhooks
    mode = webhooks.dispatcher.mode
    other = GallerySite(fakegallery.server, "feedface-0000-4000-8000-000000000001")
    receiver = other.webhook_receiver()
    other.set_webhook_mode("paused")
    other.client.post(f"{other.api_url}/galleries", json={})
    assert other.deliveries(state="pending")
    other.close()
    assert webhooks.dispatcher.mode == mode
    assert webhooks.subscriptions.list(other.site_id) == []
    assert webhooks.log.select(lambda d: d.site_id == other.site_id) == []
    with pytest.raises(RuntimeError):
        receiver.url  # noqa: B018 - closed with the handle


# --- timeouts, through the control plane ----------------------------------------------


def test_hanging_receiver_times_out_then_the_retry_is_delivered(serve, receiver):
    server, _ = serve(WEBHOOK_TIMEOUT_MS=500, FROZEN_TIME=FROZEN)
    requests.post(f"{server.url}/_fake/webhooks", json={"url": receiver.url})
    receiver.respond("hang")
    create_gallery(server.url)  # sync: answers after the timed-out attempt
    log = requests.get(f"{server.url}/_fake/webhooks/deliveries").json()
    [attempt] = log["deliveries"][0]["attempts"]
    assert attempt["error"] == "timeout: no answer within 500 ms"
    assert attempt["durationMs"] >= 500
    requests.post(f"{server.url}/_fake/clock", json={"advance": 1})
    [entry] = requests.get(f"{server.url}/_fake/webhooks/deliveries").json()[
        "deliveries"
    ]
    assert entry["state"] == "delivered"
    assert [a.get("status") for a in entry["attempts"]] == [None, 200]
    receiver.release()


# --- async mode -----------------------------------------------------------------------


def test_async_writers_never_wait_for_a_busy_receiver_and_nothing_is_lost(
    serve, receiver
):
    server, fake = serve(WEBHOOK_DELIVERY="async", WEBHOOK_TIMEOUT_MS=30_000)
    requests.post(f"{server.url}/_fake/webhooks", json={"url": receiver.url})
    receiver.hold()  # every webhook waits, unanswered, until release()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with requests.Session() as http:
                for i in range(5):
                    body = {"gallery": {"name": f"w{n}-{i}"}}
                    url = f"{server.url}/pro-gallery/v2/galleries"
                    assert http.post(url, json=body, headers=HEADERS).ok
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    # All 40 calls answered while the receiver held the one webhook it got.
    assert len(receiver.requests) <= 1
    assert fake.webhooks.log.counts()["pending"] == 40
    receiver.release()
    log = fake.webhooks.log
    assert log.wait_for(lambda: log.counts()["delivered"] == 40, 20)
    sent = {e["event"]["id"] for e in receiver.events(fake.webhooks.key.public_pem)}
    recorded = {e.id for e in fake.events.list(SITE)}
    assert sent == recorded
    assert len(sent) == 40
    listed = requests.get(f"{server.url}/_fake/webhooks/deliveries").json()
    assert all(len(d["attempts"]) == 1 for d in listed["deliveries"])
    # the helper process signed and sent them (sender_process.py)
    assert fake.webhooks.dispatcher._process is not None
    assert fake.webhooks.dispatcher._process_failures == 0


def test_async_retries_follow_the_running_clock_and_stop_with_the_server(
    serve, receiver
):
    server, fake = serve(WEBHOOK_DELIVERY="async", WEBHOOK_RETRY_MS=20)
    requests.post(f"{server.url}/_fake/webhooks", json={"url": receiver.url})
    receiver.respond(500, 503)
    create_gallery(server.url)
    log = fake.webhooks.log
    assert log.wait_for(lambda: log.counts()["delivered"] == 1, 10)
    [entry] = log.select()
    assert [a["status"] for a in entry["attempts"]] == [500, 503, 200]
    assert "response" not in entry["attempts"][1]  # the error body was empty
    # stopping the server stops the sender thread and its helper process
    worker = fake.webhooks.dispatcher._worker
    helper = fake.webhooks.dispatcher._process
    assert worker is not None
    assert helper is not None
    assert helper._proc is not None
    child = helper._proc
    server.stop()
    assert not worker.is_alive()
    assert child.poll() is not None


def test_async_retry_on_a_frozen_clock_waits_for_advance(serve, receiver):
    server, fake = serve(WEBHOOK_DELIVERY="async", FROZEN_TIME=FROZEN)
    requests.post(f"{server.url}/_fake/webhooks", json={"url": receiver.url})
    receiver.respond(500)
    create_gallery(server.url)
    log = fake.webhooks.log
    assert log.wait_for(lambda: bool(log.matching(lambda d: len(d.attempts) == 1)), 10)
    [entry] = log.select()
    assert entry["state"] == "pending"
    assert entry["nextAttemptAt"] == "2030-01-01T00:00:01Z"
    requests.post(f"{server.url}/_fake/clock", json={"advance": 1})
    assert log.wait_for(lambda: log.counts()["delivered"] == 1, 10)


def test_tokens_verify_with_pyjwt_and_the_published_key(serve, receiver):
    server, _ = serve()
    requests.post(f"{server.url}/_fake/webhooks", json={"url": receiver.url})
    create_gallery(server.url, name="pyjwt")
    keys = requests.get(f"{server.url}/_fake/webhooks/public-key").json()
    claims = jwt.decode(receiver.bodies()[0], keys["publicKey"], algorithms=["RS256"])
    envelope = orjson.loads(claims["data"])
    event = orjson.loads(envelope["data"])
    assert event["createdEvent"]["entity"]["name"] == "pyjwt"
    assert get_fake(server.app).webhooks.app.app_id == keys["appId"]


def test_async_falls_back_to_sending_in_process_when_the_helper_fails(serve, receiver):
    from fakegallery.control.webhooks.sender_process import SenderProcess

    server, fake = serve(WEBHOOK_DELIVERY="async")
    dispatcher = fake.webhooks.dispatcher
    # A helper given a broken key exits at once: the worker must not care.
    dispatcher._make_process = lambda: SenderProcess("not a key", 1250)
    requests.post(f"{server.url}/_fake/webhooks", json={"url": receiver.url})
    create_gallery(server.url, name="fallback")
    log = fake.webhooks.log
    assert log.wait_for(lambda: log.counts()["delivered"] == 1, 20)
    assert dispatcher._process_failures == 1
    [event] = receiver.events(fake.webhooks.key.public_pem)
    assert event["event"]["createdEvent"]["entity"]["name"] == "fallback"


def test_docs_example_runs(pytester: pytest.Pytester) -> None:
    """The first example of docs/webhooks.md, as a user would run it."""
    doc = (Path(__file__).parent.parent / "docs" / "webhooks.md").read_text()
    example = doc.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_hooks=example)
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)
