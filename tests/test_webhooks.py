"""Webhooks (docs/webhooks.md, docs/behaviour.md §8.3–§8.6): the exact envelope
and claims, the six events and their order, keys and ids, the /_fake/webhooks
routes and their errors, and the subscriptions and delivery log as state
components. Delivery failures, retries and async mode: test_webhook_delivery.py.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import orjson
import pytest
from flask.testing import FlaskClient

from fakegallery import create_app, get_fake
from fakegallery.config import SettingsError
from fakegallery.control.webhooks.envelope import decode
from fakegallery.fake import FakeGallery
from fakegallery.state import events as ev
from fakegallery.testing.receiver import WebhookReceiver

SITE = "5a1e0c7d-1111-4222-8333-944455566677"  # the site of the `api` fixture
OTHER = "0b0b0b0b-2222-4333-8444-955566677788"
FROZEN = "2026-01-02T03:04:05Z"


@pytest.fixture
def config(webhook_key_file: str) -> dict[str, Any]:
    return {
        "SEED": 1234,
        "FROZEN_TIME": FROZEN,
        "WEBHOOK_PRIVATE_KEY_FILE": webhook_key_file,
        # timing is not tested here: no retry (a duplicate) on a loaded machine
        "WEBHOOK_TIMEOUT_MS": 10_000,
    }


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def subscribe(client: FlaskClient, url: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/_fake/webhooks", json={"url": url, **extra})
    assert response.status_code == 200, response.json
    result: dict[str, Any] = response.json  # type: ignore[assignment]
    return result


def public_key(client: FlaskClient) -> str:
    return str(client.get("/_fake/webhooks/public-key").json["publicKey"])  # type: ignore[index]


# --- the envelope, exactly ------------------------------------------------------------


def test_the_body_is_a_bare_rs256_jwt_in_wix_envelope(api, client, make, receiver):
    subscribe(client, receiver.url)
    before = int(time.time())
    gallery = api.create_gallery(name="g")
    [request] = receiver.wait(1)  # sync mode: sent before the call answered
    assert request.headers["content-type"] == "text/plain"
    token = request.body
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT"}
    claims = jwt.decode(token, public_key(client), algorithms=["RS256"])
    assert set(claims) == {"data", "iat", "exp"}
    # the wall clock, not the frozen 2026-01-02 of the fake's clock
    assert before <= claims["iat"] <= int(time.time()) + 1
    assert claims["exp"] > claims["iat"]
    assert isinstance(claims["data"], str)
    outer = orjson.loads(claims["data"])
    assert list(outer) == ["eventType", "instanceId", "data", "identity", "accountInfo"]
    assert outer["eventType"] == ev.GALLERY_CREATED
    assert isinstance(outer["data"], str)
    assert isinstance(outer["identity"], str)
    app_id = client.get("/_fake/webhooks/public-key").json["appId"]
    assert orjson.loads(outer["identity"]) == {"identityType": "APP", "appId": app_id}
    assert set(outer["accountInfo"]) == {"accountId", "siteId"}
    assert outer["accountInfo"]["siteId"] == SITE
    event = orjson.loads(outer["data"])
    assert event["entityFqdn"] == "wix.pro_gallery.v2.gallery"
    assert event["slug"] == "created"
    assert event["entityId"] == gallery["id"]
    assert event["eventTime"] == "2026-01-02T03:04:05.000000Z"  # the fake's clock
    assert event["triggeredByAnonymizeRequest"] is False
    assert event["createdEvent"]["entity"]["id"] == gallery["id"]
    assert event["createdEvent"]["entity"]["items"] == []
    assert "entityAsJson" not in event["createdEvent"]


def test_decode_helper_and_foreign_keys(api, client, receiver):
    subscribe(client, receiver.url)
    api.create_gallery()
    keys = client.get("/_fake/webhooks/public-key").json
    token = receiver.wait(1)[0].body
    plain = decode(token, keys["publicKey"])
    assert plain == decode(token, keys["publicKeyBase64"])
    assert plain["eventType"] == ev.GALLERY_CREATED
    assert plain["identity"]["identityType"] == "APP"
    assert plain["event"]["createdEvent"]["entity"]["totalItems"] == 0
    other = create_app({"SEED": 1}).extensions["fakegallery"].webhooks.public_key()
    with pytest.raises(jwt.InvalidSignatureError):
        decode(token, other["publicKey"])


def test_six_events_in_order_with_cascade_and_sequence(api, client, make, receiver):
    subscribe(client, receiver.url)
    gallery = api.create_gallery(items=[make.text("a"), make.text("b")])
    gid = gallery["id"]
    a, b = (i["id"] for i in gallery["items"])
    api.patch(f"galleries/{gid}", {"gallery": {"name": "n"}})
    api.patch(f"galleries/{gid}/items/{a}", {"item": {"title": "t"}})
    api.delete(f"galleries/{gid}/items/{a}")
    api.delete(f"galleries/{gid}")
    decoded = receiver.events(public_key(client))
    assert [e["eventType"] for e in decoded] == [
        ev.GALLERY_CREATED,
        ev.ITEM_CREATED,
        ev.ITEM_CREATED,
        ev.GALLERY_UPDATED,
        ev.ITEM_UPDATED,
        ev.ITEM_DELETED,
        ev.ITEM_DELETED,
        ev.GALLERY_DELETED,
    ]
    events = [e["event"] for e in decoded]
    assert events[1]["actionEvent"]["body"]["item"]["id"] == a
    assert events[3]["updatedEvent"]["currentEntity"]["name"] == "n"
    assert events[4]["actionEvent"]["body"]["updatedItem"]["title"] == "t"
    assert events[5]["actionEvent"]["body"] == {"itemId": a}
    assert "originatedFrom" not in events[5]
    assert events[6]["actionEvent"]["body"] == {"itemId": b}
    assert events[6]["originatedFrom"] == "Gallery Deleted"
    assert events[7]["deletedEvent"] == {}
    assert {e["entityId"] for e in events} == {gid}
    # one entity (the gallery): its sequence counts 1, 2, 3 …
    assert [int(e["entityEventSequence"]) for e in events] == list(range(1, 9))
    assert len({e["id"] for e in events}) == len(events)


def test_other_entity_fqdn_setting_applies_to_webhooks_and_recorded_events(
    config, make, receiver
):
    app = create_app({**config, "EVENT_ENTITY_FQDN": "wix.pro_gallery.gallery_v2"})
    client = app.test_client()
    subscribe(client, receiver.url)
    headers = {"Authorization": "k", "wix-site-id": SITE}
    client.post("/pro-gallery/v2/galleries", json={}, headers=headers)
    [sent] = receiver.events(public_key(client))
    assert sent["event"]["entityFqdn"] == "wix.pro_gallery.gallery_v2"
    [recorded] = client.get(f"/_fake/events?siteId={SITE}").json["events"]
    assert recorded["domainEvent"] == sent["event"]  # the same domain event
    assert recorded["eventType"] == ev.GALLERY_CREATED  # eventType never changes


def test_recorded_events_carry_the_default_fqdn(api, client):
    api.create_gallery()
    [recorded] = client.get(f"/_fake/events?siteId={SITE}").json["events"]
    assert recorded["domainEvent"]["entityFqdn"] == "wix.pro_gallery.v2.gallery"
    assert recorded["domainEvent"]["entityEventSequence"] == "1"


# --- keys and ids ---------------------------------------------------------------------


def test_public_key_route(client):
    keys = client.get("/_fake/webhooks/public-key").json
    assert set(keys) == {"appId", "publicKey", "publicKeyBase64"}
    assert keys["publicKey"].startswith("-----BEGIN PUBLIC KEY-----\n")
    assert base64.b64decode(keys["publicKeyBase64"]).decode() == keys["publicKey"]
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    assert load_pem_public_key(keys["publicKey"].encode()).key_size == 2048


def test_ids_follow_the_seed_or_the_settings(config):
    def identity(**extra: Any) -> tuple[str, str]:
        fake = get_fake(create_app({**config, **extra}))
        return fake.webhooks.app.app_id, fake.webhooks.app.instance_id(SITE)

    assert identity() == identity()
    assert identity() != identity(SEED=99)
    app_id = "11111111-2222-4333-8444-555555555555"
    instance = "99999999-8888-4777-8666-555555555555"
    chosen = identity(WEBHOOK_APP_ID=app_id, WEBHOOK_INSTANCE_IDS={SITE: instance})
    assert chosen == (app_id, instance)


def test_key_is_made_lazily_without_a_key_file():
    fake = get_fake(create_app({"SEED": 1}))
    assert fake.webhooks.key._key is None  # create_app stays fast
    assert fake.webhooks.public_key()["publicKey"]
    assert fake.webhooks.key._key is not None


def test_key_file_is_created_once_then_reused(tmp_path: Path):
    path = tmp_path / "signing.pem"
    first = get_fake(create_app({"WEBHOOK_PRIVATE_KEY_FILE": str(path)}))
    assert path.stat().st_mode & 0o777 == 0o600
    second = get_fake(create_app({"WEBHOOK_PRIVATE_KEY_FILE": str(path)}))
    assert first.webhooks.public_key() != {}
    assert first.webhooks.key.public_pem == second.webhooks.key.public_pem


def test_bad_key_file_stops_the_app_naming_the_setting(tmp_path: Path):
    path = tmp_path / "bad.pem"
    path.write_text("not a key")
    with pytest.raises(SettingsError, match="WEBHOOK_PRIVATE_KEY_FILE"):
        create_app({"WEBHOOK_PRIVATE_KEY_FILE": str(path)})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("WEBHOOK_DELIVERY", "later"),
        ("WEBHOOKS", ["ftp://example.com/hook"]),
        ("EVENT_ENTITY_FQDN", "wix.gallery"),
        ("WEBHOOK_APP_ID", "not-a-guid"),
        ("WEBHOOK_INSTANCE_IDS", {SITE: "x"}),
        ("WEBHOOK_MAX_ATTEMPTS", 0),
    ],
)
def test_bad_settings_name_the_key(key, value):
    with pytest.raises(SettingsError, match=key):
        create_app({key: value})


# --- subscriptions --------------------------------------------------------------------


def test_subscribe_list_filter_and_delete(api, client, make, receiver):
    hook = subscribe(client, receiver.url, events=[ev.ITEM_CREATED], siteId=SITE)
    assert hook["events"] == [ev.ITEM_CREATED]
    assert hook["siteId"] == SITE
    everywhere = subscribe(client, receiver.url + "/all", siteId=OTHER)
    listed = client.get("/_fake/webhooks").json["webhooks"]
    assert [w["id"] for w in listed] == [hook["id"], everywhere["id"]]
    site_listed = client.get(f"/_fake/webhooks?siteId={SITE}").json["webhooks"]
    assert [w["id"] for w in site_listed] == [hook["id"]]
    api.create_gallery(items=[make.text("a")])  # gallery created: filtered out
    assert [r.path for r in receiver.requests] == ["/webhooks"]
    assert client.delete(f"/_fake/webhooks/{hook['id']}").status_code == 200
    api.create_gallery(items=[make.text("b")])
    assert len(receiver.requests) == 1


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({}, "url", "REQUIRED_FIELD"),
        ({"url": "ftp://host/x"}, "url", "FORMAT"),
        ({"url": "http://"}, "url", "FORMAT"),
        ({"url": "http://h/" + "x" * 3000}, "url", "MAX_SIZE"),
        ({"url": "http://h/", "events": []}, "events", "MIN_SIZE"),
        ({"url": "http://h/", "events": ["created"]}, "events[0]", "ONE_OF"),
        ({"url": "http://h/", "siteId": 5}, "siteId", "FORMAT"),
        ({"url": "http://h/", "secret": "x"}, "secret", "UNKNOWN_FIELD"),
        ([], "body", "FORMAT"),
    ],
)
def test_subscribe_errors(client, check_violation, body, field, rule):
    response = client.post("/_fake/webhooks", json=body)
    check_violation(response, field, rule)
    assert client.get("/_fake/webhooks").json["webhooks"] == []


def test_unknown_ids_are_404(client, check_error):
    gone = check_error(client.delete("/_fake/webhooks/webhook-9"), 404, "NOT_FOUND")
    assert gone["data"] == {"webhookId": "webhook-9"}
    for response in (
        client.get("/_fake/webhooks/deliveries/delivery-9"),
        client.post("/_fake/webhooks/deliveries/delivery-9/redeliver"),
    ):
        error = check_error(response, 404, "NOT_FOUND")
        assert error["data"] == {"deliveryId": "delivery-9"}


def test_configured_webhooks_get_everything_and_survive_reset(config, receiver):
    app = create_app({**config, "WEBHOOKS": [receiver.url]})
    client = app.test_client()
    [configured] = client.get("/_fake/webhooks").json["webhooks"]
    assert configured["url"] == receiver.url
    assert configured["siteId"] is None
    subscribe(client, receiver.url + "/extra")
    get_fake(app).reset()
    assert client.get("/_fake/webhooks").json["webhooks"] == [configured]


def test_seeding_and_rejected_writes_send_nothing(api, client, fake, receiver):
    subscribe(client, receiver.url)
    from fakegallery.seeding import fixtures

    fixtures.load(fake, ["basic"], site_id=SITE)
    api.post("galleries", {"gallery": {"items": [{}]}})  # 400
    assert receiver.requests == []
    assert client.get("/_fake/webhooks/deliveries").json["deliveries"] == []


# --- the delivery log -----------------------------------------------------------------


def test_delivery_log_filters_and_entry_shape(api, client, make, receiver):
    hook = subscribe(client, receiver.url)
    api.create_gallery(items=[make.text("a")])
    log = client.get("/_fake/webhooks/deliveries").json
    assert [d["eventType"] for d in log["deliveries"]] == [
        ev.GALLERY_CREATED,
        ev.ITEM_CREATED,
    ]
    entry = log["deliveries"][1]
    assert entry["webhookId"] == hook["id"]
    assert entry["url"] == receiver.url
    assert entry["state"] == "delivered"
    assert entry["nextAttemptAt"] is None
    [attempt] = entry["attempts"]
    assert attempt["status"] == 200
    assert attempt["at"] == "2026-01-02T03:04:05Z"
    assert attempt["durationMs"] >= 0
    assert entry["jwt"] == receiver.bodies()[1]  # the exact token sent
    assert entry["event"]["actionEvent"]["body"]["item"]["text"] == {"html": "a"}
    assert log["counts"]["delivered"] == 2
    assert log["counts"]["dropped"] == 0
    query = f"eventType={ev.ITEM_CREATED}&state=delivered&siteId={SITE}"
    only = client.get(f"/_fake/webhooks/deliveries?{query}").json["deliveries"]
    assert [d["id"] for d in only] == [entry["id"]]
    newest = client.get("/_fake/webhooks/deliveries?limit=1").json["deliveries"]
    assert [d["id"] for d in newest] == [entry["id"]]
    got = client.get(f"/_fake/webhooks/deliveries/{entry['id']}").json
    assert got == entry


@pytest.mark.parametrize(
    ("query", "field", "rule"),
    [
        ("state=gone", "state", "ONE_OF"),
        ("eventType=created", "eventType", "ONE_OF"),
        ("limit=-1", "limit", "MIN"),
        ("limit=x", "limit", "FORMAT"),
    ],
)
def test_delivery_log_bad_filters(client, check_violation, query, field, rule):
    response = client.get(f"/_fake/webhooks/deliveries?{query}")
    check_violation(response, field, rule)


def test_redeliver_sends_the_same_data_as_a_new_delivery(api, client, receiver):
    subscribe(client, receiver.url)
    api.create_gallery()
    [first] = client.get("/_fake/webhooks/deliveries").json["deliveries"]
    response = client.post(f"/_fake/webhooks/deliveries/{first['id']}/redeliver")
    again = response.json
    assert again["id"] != first["id"]
    assert again["redeliveryOf"] == first["id"]
    assert len(receiver.requests) == 2
    key = public_key(client)
    a, b = (jwt.decode(t, key, algorithms=["RS256"]) for t in receiver.bodies())
    assert a["data"] == b["data"]  # the data of the time of the event
    redone = client.get(f"/_fake/webhooks/deliveries/{again['id']}").json
    assert redone["state"] == "delivered"


def test_paused_mode_sends_on_flush_only(api, client, receiver, check_violation):
    subscribe(client, receiver.url)
    assert client.post("/_fake/webhooks/mode", json={"mode": "paused"}).json == {
        "mode": "paused"
    }
    api.create_gallery()
    assert receiver.requests == []
    assert client.get("/_fake/webhooks/deliveries?state=pending").json["deliveries"]
    result = client.post("/_fake/webhooks/flush").json
    assert result["attempted"] == 1
    assert result["delivered"] == 1
    assert result["counts"]["pending"] == 0
    assert len(receiver.requests) == 1
    check_violation(
        client.post("/_fake/webhooks/mode", json={"mode": "later"}), "mode", "ONE_OF"
    )
    assert client.get("/_fake/webhooks/mode").json == {"mode": "paused"}


# --- state components -----------------------------------------------------------------


def test_drop_site_reset_and_dump_restore(api, client, fake: FakeGallery, receiver):
    subscribe(client, receiver.url, siteId=SITE)
    kept = subscribe(client, receiver.url + "/other", siteId=OTHER)
    api.create_gallery()
    client.post("/_fake/webhooks/mode", json={"mode": "paused"})
    dumped = orjson.loads(orjson.dumps(fake.dump()))
    assert dumped["webhookDelivery"] == {"mode": "paused"}
    fake.drop_site(SITE)
    assert [w["id"] for w in client.get("/_fake/webhooks").json["webhooks"]] == [
        kept["id"]
    ]
    assert client.get("/_fake/webhooks/deliveries").json["deliveries"] == []
    fake.restore(dumped)
    assert len(client.get("/_fake/webhooks").json["webhooks"]) == 2
    [entry] = client.get("/_fake/webhooks/deliveries").json["deliveries"]
    assert entry["state"] == "delivered"
    assert entry["jwt"] == receiver.bodies()[0]
    assert client.get("/_fake/webhooks/mode").json == {"mode": "paused"}
    fake.reset()
    assert client.get("/_fake/webhooks").json["webhooks"] == []
    assert client.get("/_fake/webhooks/mode").json == {"mode": "sync"}


def test_log_is_bounded_in_entries_and_bytes(config, receiver):
    app = create_app({**config, "WEBHOOK_LOG_MAX_ENTRIES": 3})
    client, fake = app.test_client(), get_fake(app)
    subscribe(client, receiver.url)
    headers = {"Authorization": "k", "wix-site-id": SITE}
    for _ in range(5):
        client.post("/pro-gallery/v2/galleries", json={}, headers=headers)
    counts = fake.webhooks.log.counts()
    assert counts["entries"] == 3
    assert counts["dropped"] == 2
    assert counts["droppedPending"] == 0  # delivered ones go first
    # bytes: big titles fill the byte budget; still every event was sent
    small = create_app({**config, "WEBHOOK_LOG_MAX_BYTES": 20_000})
    client, fake = small.test_client(), get_fake(small)
    subscribe(client, receiver.url)
    client.post("/_fake/webhooks/mode", json={"mode": "paused"})
    for n in range(4):
        body = {"gallery": {"name": str(n) * 4000}}
        client.post("/pro-gallery/v2/galleries", json=body, headers=headers)
    counts = fake.webhooks.log.counts()
    assert counts["bytes"] <= 20_000 or counts["entries"] == 1
    assert counts["dropped"] >= 1
    assert counts["droppedPending"] == counts["dropped"]
    kept = client.get("/_fake/webhooks/deliveries").json["deliveries"]
    assert kept[-1]["event"]["createdEvent"]["entity"]["name"] == "3" * 4000
