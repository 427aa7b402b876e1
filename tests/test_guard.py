"""A web page cannot drive the fake: cross-origin browser writes are refused
(Origin, Sec-Fetch-Site), a loopback-bound server refuses foreign Host names
(DNS rebinding), and CONTROL_TOKEN guards /_fake/ (docs/control-plane.md,
"Safety"). Non-browser clients, which send neither header, are unaffected."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from fakegallery import create_app
from fakegallery.testing.server import FakeGalleryServer
from fakegallery.web.guard import LOOPBACK, foreign_origin, host_allowed

SITE = "5a1e0c7d-1111-4222-8333-944455566677"
API = {"Authorization": "k", "wix-site-id": SITE}
EVIL = "http://evil.example"
Check = Callable[..., dict[str, Any]]


@pytest.fixture
def client() -> FlaskClient:
    return create_app({"TESTING": True, "SEED": 5}).test_client()


def published(client: FlaskClient) -> bool:
    live: dict[str, Any] = client.get("/_fake/live", headers=API).json  # type: ignore[assignment]
    return bool(live["published"])


# --- cross-origin writes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_fake/site/unpublish", b""),
        ("/_fake/reset", b""),
        ("/_fake/editor/galleries", b'{"gallery": {"name": "x"}}'),
        ("/pro-gallery/v2/galleries", b'{"gallery": {"name": "x"}}'),
    ],
)
def test_a_cross_origin_simple_request_is_refused(
    client: FlaskClient, check_error: Check, path: str, body: bytes
) -> None:
    client.post("/pro-gallery/v2/galleries", json={"gallery": {}}, headers=API)
    before = client.get(f"/_fake/state?siteId={SITE}").get_data()
    response = client.post(
        path,
        data=body,
        headers={**API, "Origin": EVIL, "Content-Type": "text/plain"},
    )
    error = check_error(response, 403, "CROSS_ORIGIN_REFUSED")
    assert error["data"] == {"origin": EVIL}
    assert response.headers["X-Wix-Request-Id"]
    assert client.get(f"/_fake/state?siteId={SITE}").get_data() == before
    assert published(client)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_fetch_metadata_alone_is_enough(
    client: FlaskClient, check_error: Check, site: str
) -> None:
    response = client.post(
        "/_fake/site/unpublish", headers={**API, "Sec-Fetch-Site": site}
    )
    check_error(response, 403, "CROSS_ORIGIN_REFUSED")
    assert published(client)


@pytest.mark.parametrize(
    "browser",
    [
        {"Origin": "http://localhost"},  # the test client's own origin
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {},  # curl, requests, the SDK in Node
    ],
)
def test_same_origin_and_non_browser_clients_may_write(
    client: FlaskClient, browser: dict[str, str]
) -> None:
    response = client.post("/_fake/site/unpublish", headers={**API, **browser})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert not published(client)


def test_reads_from_other_origins_answer_without_cors_headers(
    client: FlaskClient,
) -> None:
    response = client.get("/_fake/state", headers={"Origin": EVIL})
    assert response.status_code == 200
    assert not any(
        k.lower().startswith("access-control-") for k, _ in response.headers.items()
    )
    preflight = client.options(
        "/_fake/reset",
        headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    assert not any(
        k.lower().startswith("access-control-") for k, _ in preflight.headers.items()
    )


@pytest.mark.parametrize(
    ("origin", "fetch_site", "foreign"),
    [
        (None, None, None),
        ("http://127.0.0.1:5000", None, None),
        ("HTTP://127.0.0.1:5000", "same-origin", None),
        ("http://127.0.0.1:5001", None, "http://127.0.0.1:5001"),
        ("null", None, "null"),
        (None, "cross-site", "a cross-site page"),
        (None, "same-origin", None),
    ],
)
def test_foreign_origin(origin: Any, fetch_site: Any, foreign: Any) -> None:
    assert foreign_origin(origin, fetch_site, "http://127.0.0.1:5000/") == foreign


# --- DNS rebinding: the Host check of a loopback-bound server -----------------------


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1:5000", True),
        ("127.9.9.9", True),
        ("localhost:5000", True),
        ("LocalHost", True),
        ("app.localhost:8080", True),
        ("[::1]:5000", True),
        ("", True),  # HTTP/1.0 without Host: not a browser
        ("evil.example", False),
        ("evil.example:5000", False),
        ("localhost.evil.example", False),
        ("0.0.0.0:5000", False),
        ("192.168.1.5:5000", False),
    ],
)
def test_host_allowed(host: str, ok: bool) -> None:
    assert host_allowed(host) is ok


def test_allowed_hosts_setting() -> None:
    assert host_allowed("fake.test:5000", ["fake.test"])
    assert host_allowed("anything.example", ["*"])


def test_the_host_check_applies_on_loopback_only(check_error: Check) -> None:
    client = create_app({"TESTING": True, "ALLOWED_HOSTS": "fake.test"}).test_client()
    on_loopback = {LOOPBACK: True}
    response = client.get(
        "/_fake/health", headers={"Host": "evil.example"}, environ_base=on_loopback
    )
    error = check_error(response, 403, "HOST_NOT_ALLOWED")
    assert error["data"] == {"host": "evil.example"}
    ok = client.get(
        "/_fake/health", headers={"Host": "fake.test"}, environ_base=on_loopback
    )
    assert ok.status_code == 200
    # A server bound beyond loopback is reached by any name (use CONTROL_TOKEN).
    assert (
        client.get("/_fake/health", headers={"Host": "evil.example"}).status_code == 200
    )


@pytest.fixture
def served() -> Iterator[FakeGalleryServer]:
    with FakeGalleryServer(create_app({"SEED": 5})) as server:
        yield server


def raw_get(server: FakeGalleryServer, path: str, host: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_dns_rebinding_over_a_real_socket(served: FakeGalleryServer) -> None:
    status, body = raw_get(served, "/_fake/state", "evil.example:80")
    assert status == 403
    assert b'"HOST_NOT_ALLOWED"' in body
    assert raw_get(served, "/_fake/state", f"localhost:{served.port}")[0] == 200
    assert raw_get(served, "/_fake/state", f"127.0.0.1:{served.port}")[0] == 200


# --- CONTROL_TOKEN --------------------------------------------------------------------


def test_control_token(check_error: Check) -> None:
    client = create_app({"TESTING": True, "CONTROL_TOKEN": "s3cret"}).test_client()
    error = check_error(client.post("/_fake/reset"), 401, "CONTROL_TOKEN_REQUIRED")
    assert error["data"] == {"header": "X-Fake-Control-Token"}
    wrong = client.get("/_fake/state", headers={"X-Fake-Control-Token": "nope"})
    check_error(wrong, 401, "CONTROL_TOKEN_REQUIRED")
    right = client.post("/_fake/reset", headers={"X-Fake-Control-Token": "s3cret"})
    assert right.status_code == 200
    assert client.get("/_fake/health").status_code == 200
    assert client.get("/_fake/openapi.json").status_code == 200
    # media files stay loadable by an <img>: unknown id → 404, not 401
    assert client.get("/_fake/media/nope~mv2.jpg").status_code == 404
    # the Wix API has its own authorization
    api = client.get("/pro-gallery/v2/galleries", headers=API)
    assert api.status_code == 200
