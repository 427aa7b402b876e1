"""Fault rules (docs/journal-and-faults.md#fault-injection): the /_fake/faults
routes and their refusals, the presets, matching, times/after/probability,
delays, connection faults on every transport, and that a faulted write changes
nothing — also under 8 threads."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
from conftest import HEADERS, PREFIX, SITE, Api
from flask.testing import FlaskClient

from fakegallery import GallerySite, create_app, get_fake
from fakegallery.fake import FakeGallery
from fakegallery.state.journal import Query
from fakegallery.web.connection import ConnectionDropped

OTHER = "5a1e0c7d-2222-4222-8333-944455566677"
ITEM = {"image": {"imageInfo": {"id": "11062b_a~mv2.jpg", "width": 4, "height": 3}}}


def add(client: FlaskClient, rule: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/_fake/faults", json=rule)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    return body


def on(operation: str, **action: Any) -> dict[str, Any]:
    return {"match": {"operation": operation}, "action": action}


def last_entry(fake: FakeGallery, **filters: Any) -> dict[str, Any]:
    return fake.journal.select(Query(**filters))[-1].to_record()


# --- the routes -----------------------------------------------------------------


def test_add_list_get_delete(client: FlaskClient, check_error: Any) -> None:
    first = add(client, {**on("getGallery", status=503), "times": 2, "after": 1})
    assert first == {
        "id": "fault-1",
        "match": {"operation": "getGallery"},
        "action": {"status": 503},
        "times": 2,
        "after": 1,
        "seen": 0,
        "hits": 0,
        "active": True,
    }
    bound = {"match": {"path": "/galleries", "siteId": OTHER}, "action": {"delayMs": 5}}
    second = add(client, bound)
    assert second["id"] == "fault-2"
    listed = client.get("/_fake/faults").json["faults"]  # type: ignore[index]
    assert [r["id"] for r in listed] == ["fault-1", "fault-2"]
    only = client.get(f"/_fake/faults?siteId={OTHER}").json["faults"]  # type: ignore[index]
    assert [r["id"] for r in only] == ["fault-2"]
    assert client.get("/_fake/faults/fault-1").json == first
    assert client.delete("/_fake/faults/fault-1").json == {}
    check_error(client.get("/_fake/faults/fault-1"), 404, "FAULT_NOT_FOUND")
    check_error(client.delete("/_fake/faults/fault-1"), 404, "FAULT_NOT_FOUND")
    assert client.delete(f"/_fake/faults?siteId={OTHER}").json == {"deleted": 1}
    add(client, on("getGallery", status=500))
    assert client.delete("/_fake/faults").json == {"deleted": 1}
    assert client.get("/_fake/faults").json == {"faults": []}


BAD_RULES = [
    ([], "", "FORMAT"),
    ({"action": {"status": 503}}, "match", "REQUIRED_FIELD"),
    (on("createGalery", status=503), "match.operation", "FORMAT"),
    ({"match": {"siteId": SITE}, "action": {"status": 503}}, "match", "REQUIRED_FIELD"),
    (
        {
            "match": {"operation": "getGallery", "method": "POST"},
            "action": {"status": 1},
        },
        "match.method",
        "INVALID_ARGUMENT",
    ),
    (
        {"match": {"method": "FETCH"}, "action": {"status": 503}},
        "match.method",
        "FORMAT",
    ),
    (
        {"match": {"path": "galleries"}, "action": {"status": 503}},
        "match.path",
        "FORMAT",
    ),
    (
        {"match": {"path": "/g", "prefix": "/v2"}, "action": {"delayMs": 1}},
        "match.prefix",
        "FORMAT",
    ),
    (on("getGallery"), "action", "REQUIRED_FIELD"),
    (on("getGallery", body={}), "action.status", "REQUIRED_FIELD"),
    (on("getGallery", status=600), "action.status", "MAX"),
    (on("getGallery", status=199), "action.status", "MIN"),
    (on("getGallery", status="503"), "action.status", "FORMAT"),
    (on("getGallery", status=200), "action.body", "REQUIRED_FIELD"),
    (on("getGallery", status=503, connection="reset"), "action.connection", "ONE_OF"),
    (on("getGallery", connection="hang"), "action.connection", "FORMAT"),
    (on("getGallery", delayMs=-1), "action.delayMs", "MAX"),
    (on("getGallery", delayMs=120_001), "action.delayMs", "MAX"),
    (on("getGallery", delayMs=[50, 10]), "action.delayMs", "FORMAT"),
    (on("getGallery", delayMs="50"), "action.delayMs", "FORMAT"),
    (
        on("getGallery", status=503, headers={"Content-Length": "1"}),
        "action.headers",
        "FORMAT",
    ),
    (on("getGallery", status=503, headers={"X-A": "a\nb"}), "action.headers", "FORMAT"),
    (on("getGallery", statuz=503), "action.statuz", "UNKNOWN_FIELD"),
    ({**on("getGallery", status=503), "probability": 1.5}, "probability", "MAX"),
    ({**on("getGallery", status=503), "times": 0}, "times", "MIN"),
    ({**on("getGallery", status=503), "after": -1}, "after", "MIN"),
    ({**on("getGallery", status=503), "seed": "x"}, "seed", "FORMAT"),
    ({**on("getGallery", status=503), "tims": 1}, "tims", "UNKNOWN_FIELD"),
    (on("getGallery", status=503, body={"x": "y" * 70_000}), "", "MAX"),
]


@pytest.mark.parametrize(("rule", "field", "violated"), BAD_RULES)
def test_a_bad_rule_is_400_naming_the_field_and_adds_nothing(
    client: FlaskClient,
    fake: FakeGallery,
    check_violation: Any,
    rule: Any,
    field: str,
    violated: str,
) -> None:
    check_violation(client.post("/_fake/faults", json=rule), field, violated)
    assert fake.faults.list() == []


def test_the_operation_error_lists_the_valid_ids(
    client: FlaskClient, check_violation: Any
) -> None:
    response = client.post("/_fake/faults", json=on("createGalleryItems", status=503))
    violation = check_violation(response, "match.operation", "FORMAT")
    assert "createGalleryItem" in violation["description"]
    assert len(violation["data"]["values"]) == 12


def test_the_number_of_rules_is_bounded(
    client: FlaskClient, fake: FakeGallery, check_violation: Any
) -> None:
    fake.faults.max_rules = 2
    add(client, on("getGallery", status=503))
    add(client, on("getGallery", status=503))
    response = client.post("/_fake/faults", json=on("getGallery", status=503))
    assert "at most 2" in check_violation(response, "", "MAX")["description"]
    assert len(fake.faults.list()) == 2


# --- answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (429, "TOO_MANY_REQUESTS"),
        (500, "INTERNAL"),
        (502, "BAD_GATEWAY"),
        (503, "UNAVAILABLE"),
        (504, "DEADLINE_EXCEEDED"),
        (418, "HTTP_ERROR"),
        (408, "REQUEST_TIMEOUT"),
    ],
)
def test_presets_are_wix_shaped(
    api: Api, client: FlaskClient, fake: FakeGallery, status: int, code: str
) -> None:
    add(client, on("listGalleries", status=status))
    response = api.get("galleries")
    assert response.status_code == status
    error = response.json["details"]["applicationError"]  # type: ignore[index]
    assert (error["code"], error["data"]) == (code, {"faultId": "fault-1"})
    assert response.headers["X-Wix-Request-Id"]
    assert response.headers.get("Retry-After") == ("1" if status == 429 else None)
    entry = last_entry(fake)
    assert entry["errorCode"] == code
    assert entry["fault"] == {
        "rules": ["fault-1"],
        "delayMs": 0,
        "status": status,
        "connection": None,
        "code": code,
    }


def test_custom_body_headers_code_and_message(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    body = {"message": "slow down", "details": {"applicationError": {"code": "X"}}}
    add(
        client, on("listGalleries", status=429, body=body, headers={"Retry-After": "7"})
    )
    response = api.get("galleries")
    assert (response.status_code, response.json) == (429, body)
    assert response.headers["Retry-After"] == "7"
    assert last_entry(fake)["errorCode"] == "X"
    client.delete("/_fake/faults")
    add(client, on("listGalleries", status=503, code="MAINTENANCE", message="down"))
    error = api.get("galleries").json["details"]["applicationError"]  # type: ignore[index]
    assert (error["code"], error["description"]) == ("MAINTENANCE", "down")
    client.delete("/_fake/faults")
    add(client, on("listGalleries", status=200, body={"galleries": "broken"}))
    assert api.get("galleries").json == {"galleries": "broken"}


def test_a_faulted_write_changes_nothing(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    gallery = api.create_gallery(name="g")
    events = len(fake.events.list(SITE))
    add(client, {**on("createGalleryItem", status=503)})
    add(
        client,
        {
            "match": {"method": "DELETE", "path": "/galleries/*"},
            "action": {"status": 500},
        },
    )
    assert (
        api.post(f"galleries/{gallery['id']}/items", {"item": ITEM}).status_code == 503
    )
    assert api.delete(f"galleries/{gallery['id']}").status_code == 500
    state = fake.gallery.site_state(SITE)
    assert state["galleries"][0]["totalItems"] == 0
    assert len(fake.events.list(SITE)) == events
    # the fault comes before authentication and validation, as at a gateway
    no_key = api.post(
        f"galleries/{gallery['id']}/items", {"bad": 1}, headers={"Authorization": ""}
    )
    assert no_key.status_code == 503


# --- matching and counting ----------------------------------------------------------


def test_fail_the_second_create_only(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    gallery = api.create_gallery()
    rule = add(client, {**on("createGalleryItem", status=503), "after": 1, "times": 1})
    statuses = [
        api.post(f"galleries/{gallery['id']}/items", {"item": ITEM}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 503, 200]
    record = client.get(f"/_fake/faults/{rule['id']}").json
    assert (record["seen"], record["hits"], record["active"]) == (2, 1, False)  # type: ignore[index]
    assert len(fake.gallery.site_state(SITE)["galleries"][0]["items"]) == 2


def test_match_by_method_path_prefix_and_site(api: Api, client: FlaskClient) -> None:
    other = Api(client, {**HEADERS, "wix-site-id": OTHER})
    add(
        client,
        {
            "match": {
                "method": "get",
                "path": "/galleries",
                "prefix": "/progallery/v2",
                "siteId": SITE,
            },
            "action": {"status": 502},
        },
    )
    assert api.get("/progallery/v2/galleries").status_code == 502
    assert api.get(f"{PREFIX}/galleries").status_code == 200  # another prefix
    assert other.get("/progallery/v2/galleries").status_code == 200  # another site
    assert api.post("/progallery/v2/galleries", {}).status_code == 200  # POST


def test_full_path_patterns_and_placeholders(api: Api, client: FlaskClient) -> None:
    gallery = api.create_gallery()
    add(
        client,
        {
            "match": {"path": f"{PREFIX}/galleries/{{galleryId}}"},
            "action": {"status": 503},
        },
    )
    assert api.get(f"galleries/{gallery['id']}").status_code == 503
    assert api.get(f"/progallery/v2/galleries/{gallery['id']}").status_code == 200
    assert api.get("galleries").status_code == 200


def statuses_under(seed: int, rule: dict[str, Any], calls: int = 40) -> list[int]:
    app = create_app({"TESTING": True, "SEED": seed})
    client = app.test_client()
    add(client, rule)
    api = Api(client, dict(HEADERS))
    return [api.get("galleries").status_code for _ in range(calls)]


def test_probability_replays_with_the_same_seed() -> None:
    rule = {**on("listGalleries", status=503), "probability": 0.5}
    first = statuses_under(3, rule)
    assert first == statuses_under(3, rule)
    assert 5 < first.count(503) < 35
    assert first != statuses_under(4, rule)
    own = {**rule, "seed": 99}
    assert statuses_under(3, own) == statuses_under(4, own)  # the rule's own seed


def test_delays_add_up_and_do_not_stop_the_call(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    add(client, on("listGalleries", delayMs=30))
    add(client, {**on("listGalleries", delayMs=[10, 20]), "seed": 5})
    started = time.perf_counter()
    response = api.get("galleries")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200  # delays only: the real answer
    fault = last_entry(fake)["fault"]
    assert fault["rules"] == ["fault-1", "fault-2"]
    assert 40 <= fault["delayMs"] <= 50
    assert elapsed >= fault["delayMs"] / 1000
    assert last_entry(fake)["durationMs"] >= fault["delayMs"]


def test_a_delay_then_a_status(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    add(client, on("listGalleries", delayMs=20, status=504))
    assert api.get("galleries").status_code == 504
    assert last_entry(fake)["fault"]["delayMs"] == 20


def test_the_first_firing_answer_wins(api: Api, client: FlaskClient) -> None:
    add(client, {**on("listGalleries", status=500), "times": 1})
    add(client, on("listGalleries", status=503))
    assert [api.get("galleries").status_code for _ in range(2)] == [500, 503]


def test_components_reset_drop_site_dump_restore(
    api: Api, client: FlaskClient, fake: FakeGallery
) -> None:
    add(client, {**on("listGalleries", status=503), "probability": 0.5})
    add(
        client,
        {
            "match": {"operation": "listGalleries", "siteId": OTHER},
            "action": {"status": 500},
        },
    )
    fake.drop_site(OTHER)
    assert [r.id for r in fake.faults.list()] == ["fault-1"]
    saved = fake.dump()
    before = [api.get("galleries").status_code for _ in range(20)]
    fake.restore(saved)
    after = [api.get("galleries").status_code for _ in range(20)]
    assert before == after  # the rule's generator came back too
    assert fake.faults.get("fault-1").hits == before.count(503)  # type: ignore[union-attr]
    fake.reset()
    assert fake.faults.list() == []
    assert add(client, on("listGalleries", status=503))["id"] == "fault-1"


def test_eight_threads_with_a_probability_rule_leave_no_half_write(
    fakegallery: GallerySite,
) -> None:
    api = fakegallery.api_url
    gallery = fakegallery.client.post(f"{api}/galleries", json={}).json()["gallery"]
    rule = fakegallery.fault("createGalleryItem", status=503, probability=0.5)
    results: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        session = requests.Session()
        session.trust_env = False
        session.headers.update(fakegallery.headers)
        for _ in range(10):
            status = session.post(
                f"{api}/galleries/{gallery['id']}/items", json={"item": ITEM}
            ).status_code
            with lock:
                results.append(status)
        session.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(results)) == [200, 503]
    assert rule.hits == results.count(503)
    assert rule.seen == 80
    [stored] = fakegallery.state()["galleries"]
    assert stored["totalItems"] == len(stored["items"]) == results.count(200)
    created = [e for e in fakegallery.events() if "item_created" in e["eventType"]]
    assert len(created) == results.count(200)
    assert len(fakegallery.requests("createGalleryItem", status=503)) == rule.hits


# --- connection faults --------------------------------------------------------------


@pytest.mark.parametrize("transport", ["socket", "socket-free"])
@pytest.mark.parametrize(
    ("kind", "error", "reason"),
    [
        ("reset", requests.ConnectionError, "Connection reset by peer"),
        ("empty", requests.ConnectionError, "Remote end closed connection"),
        ("truncate", requests.exceptions.ChunkedEncodingError, "IncompleteRead"),
    ],
)
def test_connection_faults_raise_what_a_real_socket_raises(
    fakegallery: GallerySite,
    transport: str,
    kind: str,
    error: type[Exception],
    reason: str,
) -> None:
    http = fakegallery.client if transport == "socket" else fakegallery.wsgi_client()
    url = f"{fakegallery.api_url}/galleries"
    with fakegallery.fault("listGalleries", connection=kind, times=1) as rule:
        with pytest.raises(error, match=reason):
            http.get(url)
        assert rule.hits == 1
    assert http.get(url).status_code == 200  # the server serves on
    entry = fakegallery.requests("listGalleries")[-2]
    assert entry["fault"]["connection"] == kind
    if kind == "truncate":
        assert entry["status"] == 200
        assert entry["responseBodyTruncated"]
        assert entry["responseBody"] == '{"totalGalleries"'  # what the client got
    else:
        assert entry["status"] == 0
        assert entry["responseBody"] is None


def test_truncate_alone_lets_the_write_happen(fakegallery: GallerySite) -> None:
    """A cut answer after the write: the case a retrying client must survive."""
    fakegallery.fault("createGallery", connection="truncate", times=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        fakegallery.client.post(f"{fakegallery.api_url}/galleries", json={})
    assert len(fakegallery.state()["galleries"]) == 1


def test_reset_and_empty_stop_the_write(fakegallery: GallerySite) -> None:
    for kind in ("reset", "empty"):
        fakegallery.fault("createGallery", connection=kind, times=1)
        with pytest.raises(requests.ConnectionError):
            fakegallery.client.post(f"{fakegallery.api_url}/galleries", json={})
    assert fakegallery.state()["galleries"] == []


def test_other_servers_get_a_connection_error(api: Api, client: FlaskClient) -> None:
    add(client, on("listGalleries", connection="empty"))
    with pytest.raises(ConnectionDropped, match="connection empty"):
        api.get("galleries")


# --- RATE_LIMIT ---------------------------------------------------------------------


def test_rate_limit_per_site_with_retry_after() -> None:
    app = create_app(
        {"TESTING": True, "RATE_LIMIT": "2/10s", "FROZEN_TIME": "2026-01-02T03:04:05Z"}
    )
    fake = get_fake(app)
    api = Api(app.test_client(), dict(HEADERS))
    other = Api(api.client, {**HEADERS, "wix-site-id": OTHER})
    assert [api.get("galleries").status_code for _ in range(2)] == [200, 200]
    limited = api.get("galleries")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "5"
    error = limited.json["details"]["applicationError"]  # type: ignore[index]
    assert (error["code"], error["data"]) == ("TOO_MANY_REQUESTS", {"retryAfter": 5})
    assert last_entry(fake)["fault"]["rules"] == ["RATE_LIMIT"]
    assert other.get("galleries").status_code == 200  # its own bucket
    fake.clock.advance(5)  # the frozen clock refills only when moved
    assert api.get("galleries").status_code == 200
    assert api.get("galleries").status_code == 429
    assert api.get("/_fake/health").status_code == 200  # the control plane is free


def test_rate_limit_per_key() -> None:
    app = create_app(
        {
            "TESTING": True,
            "RATE_LIMIT": "1/m",
            "RATE_LIMIT_BY": "key",
            "FROZEN_TIME": "2026-01-02T03:04:05Z",
        }
    )
    one = Api(app.test_client(), dict(HEADERS))
    same_key = Api(one.client, {**HEADERS, "wix-site-id": OTHER})
    other_key = Api(one.client, {**HEADERS, "Authorization": "another-key"})
    assert one.get("galleries").status_code == 200
    assert same_key.get("galleries").status_code == 429
    assert other_key.get("galleries").status_code == 200
    assert "another-key" not in str(get_fake(app).dump()["rateLimit"])


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("RATE_LIMIT", "0/s"),
        ("RATE_LIMIT", "10 per second"),
        ("RATE_LIMIT", 10),
        ("RATE_LIMIT_BY", "ip"),
        ("MODE", "lax"),
    ],
)
def test_bad_settings_name_the_key(key: str, value: Any) -> None:
    with pytest.raises(ValueError, match=key):
        create_app({key: value})


def test_openapi_lists_429_only_with_a_rate_limit() -> None:
    def statuses(config: dict[str, Any]) -> set[str]:
        doc = create_app(config).test_client().get("/_fake/openapi.json").json
        return set(doc["paths"]["/galleries"]["get"]["responses"])  # type: ignore[index]

    assert "429" not in statuses({})
    assert "429" in statuses({"RATE_LIMIT": "5/s"})
