"""The pytest plugin: fixture contract, marker, isolation, server lifecycle,
server-side errors failing the test, and determinism (pytester for the runs)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import urllib3
from flask import Flask

from fakegallery import create_app, get_fake
from fakegallery.gallery.api import GalleryApi
from fakegallery.gallery.schemas import GUID_RE
from fakegallery.testing.handle import GallerySite
from fakegallery.testing.server import FakeGalleryServer, ServerError
from fakegallery.testing.transport import WSGIAdapter, wsgi_session

BASIC_GALLERY = "6f1d8a52-3b7e-4c1a-9d2f-1a2b3c4d5e01"
FROZEN = "2030-05-06T07:08:09Z"


# --- the fixture contract, used directly (so the xdist CI run exercises it) ---------


def test_fakegallery_contract(fakegallery: GallerySite) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", fakegallery.url)
    assert fakegallery.api_url == fakegallery.url + "/pro-gallery/v2"
    assert GUID_RE.match(fakegallery.site_id)
    assert fakegallery.headers["wix-site-id"] == fakegallery.site_id
    assert fakegallery.headers["Authorization"]
    assert fakegallery.client.trust_env is False
    assert fakegallery.client.headers["wix-site-id"] == fakegallery.site_id
    response = fakegallery.client.get(fakegallery.api_url + "/galleries")
    assert response.status_code == 200
    assert response.json() == {"totalGalleries": 0, "galleries": []}
    assert fakegallery.state() == {"siteId": fakegallery.site_id, "galleries": []}


def test_fakegallery_load_into_this_site(fakegallery: GallerySite) -> None:
    fakegallery.load("basic")
    state = fakegallery.state()
    assert state["siteId"] == fakegallery.site_id  # not the file's siteId
    assert state["galleries"][0]["id"] == BASIC_GALLERY
    url = f"{fakegallery.api_url}/galleries/{BASIC_GALLERY}"
    response = fakegallery.client.get(url)
    assert response.status_code == 200
    assert response.json()["gallery"]["name"] == "Travel"


@pytest.mark.fakegallery(fixtures=["classic-slideshow"], freeze=FROZEN)
def test_marker_preloads_and_freezes(fakegallery: GallerySite) -> None:
    [gallery] = fakegallery.state()["galleries"]
    assert gallery["totalItems"] == 4
    assert "name" not in gallery
    response = fakegallery.client.post(
        fakegallery.api_url + "/galleries", json={"gallery": {"name": "New"}}
    )
    assert response.status_code == 200
    assert response.json()["gallery"]["createdDate"] == FROZEN


def test_clock_helpers_drive_dates(fakegallery: GallerySite) -> None:
    fakegallery.freeze("2031-01-01T00:00:00Z")
    created = fakegallery.client.post(
        fakegallery.api_url + "/galleries", json={"gallery": {"name": "G"}}
    ).json()["gallery"]
    fakegallery.advance(90)
    item = fakegallery.client.post(
        f"{fakegallery.api_url}/galleries/{created['id']}/items",
        json={"item": {"text": {"html": "<p>x</p>"}}},
    ).json()["item"]
    assert created["createdDate"] == "2031-01-01T00:00:00Z"
    assert item["createdDate"] == "2031-01-01T00:01:30Z"
    assert (
        item["sortOrder"] == 1924992090.0
    )  # docs/behaviour.md §6.1: the clock's epoch seconds


def test_client_socket_free_and_http_client_over_the_server(
    fakegallery: GallerySite,
) -> None:
    # `client` runs the app in this thread: no connection is ever opened
    adapter = fakegallery.client.get_adapter(fakegallery.api_url + "/galleries")
    assert isinstance(adapter, WSGIAdapter)
    created = fakegallery.client.post(
        fakegallery.api_url + "/galleries", json={"gallery": {"name": "Direct"}}
    )
    assert created.status_code == 200
    assert created.headers["Content-Type"] == "application/json"
    assert created.headers["X-Wix-Request-Id"]
    # `http_client()` goes through the server's socket to the same site
    over_http = fakegallery.http_client()
    assert over_http.trust_env is False
    assert not isinstance(over_http.get_adapter(fakegallery.url), WSGIAdapter)
    listed = over_http.get(fakegallery.api_url + "/galleries")
    assert isinstance(listed.raw, urllib3.response.HTTPResponse)  # a real answer
    assert [g["name"] for g in listed.json()["galleries"]] == ["Direct"]


def test_client_timeout_is_real_against_a_delaying_fault(
    fakegallery: GallerySite,
) -> None:
    """A call with `timeout=` goes over the socket, so the timeout fires as a
    real one would (docs/testing.md); without it the call stays socket-free."""
    fakegallery.fault("listGalleries", delay_ms=400)
    url = fakegallery.api_url + "/galleries"
    with pytest.raises(requests.exceptions.ReadTimeout):
        fakegallery.client.get(url, timeout=0.05)
    slow = fakegallery.client.get(url)
    assert slow.status_code == 200
    assert not isinstance(slow.raw, urllib3.response.HTTPResponse)  # in-process
    timed = fakegallery.client.get(url, timeout=5)
    assert isinstance(timed.raw, urllib3.response.HTTPResponse)  # over the socket
    assert timed.json() == slow.json()


def test_wsgi_client_same_site_without_socket(fakegallery: GallerySite) -> None:
    direct = fakegallery.wsgi_client()
    created = direct.post(
        fakegallery.api_url + "/galleries", json={"gallery": {"name": "Direct"}}
    )
    assert created.status_code == 200
    over_http = fakegallery.http_client().get(fakegallery.api_url + "/galleries")
    assert [g["name"] for g in over_http.json()["galleries"]] == ["Direct"]


def test_wsgi_client_errors_and_query(fakegallery: GallerySite) -> None:
    direct = fakegallery.wsgi_client()
    url = f"{fakegallery.api_url}/galleries/{BASIC_GALLERY}"
    missing = direct.get(url, params={"itemLimit": "2"})
    assert missing.status_code == 404
    assert missing.json()["details"]["applicationError"]["code"] == "GALLERY_NOT_FOUND"
    bad = direct.get(fakegallery.api_url + "/galleries", params={"limit": "x"})
    assert bad.status_code == 400
    violation = bad.json()["details"]["validationError"]["fieldViolations"][0]
    assert (violation["field"], violation["violatedRule"]) == ("limit", "FORMAT")


def test_take_errors_expected_500_does_not_fail(
    fakegallery: GallerySite, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(GalleryApi, "list_galleries", broken)
    response = fakegallery.client.get(fakegallery.api_url + "/galleries")
    assert response.status_code == 500
    assert response.json()["details"]["applicationError"]["code"] == "INTERNAL"
    [error] = fakegallery.take_errors()
    assert str(error) == "broken on purpose"


# --- clock control over HTTP ------------------------------------------------------


def test_clock_routes(fakegallery: GallerySite) -> None:
    clock_url = fakegallery.url + "/_fake/clock"
    frozen = fakegallery.client.post(clock_url, json={"freeze": FROZEN}).json()
    assert frozen == {"now": FROZEN, "frozen": True}
    moved = fakegallery.client.post(clock_url, json={"advance": 1.5}).json()
    assert moved["now"] == "2030-05-06T07:08:10.500000Z"
    assert fakegallery.client.get(clock_url).json() == moved
    running = fakegallery.client.post(clock_url, json={"unfreeze": True}).json()
    assert running["frozen"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"freeze": "soon"}, "freeze"),
        ({"freeze": 3}, "freeze"),
        ({"advance": "1"}, "advance"),
    ],
)
def test_clock_routes_bad_input(
    fakegallery: GallerySite, body: dict[str, Any], field: str
) -> None:
    before = fakegallery.client.get(fakegallery.url + "/_fake/clock").json()
    response = fakegallery.client.post(fakegallery.url + "/_fake/clock", json=body)
    assert response.status_code == 400
    violation = response.json()["details"]["validationError"]["fieldViolations"][0]
    assert (violation["field"], violation["violatedRule"]) == (field, "FORMAT")
    after = fakegallery.client.get(fakegallery.url + "/_fake/clock").json()
    assert after["frozen"] == before["frozen"]


# --- server lifecycle ---------------------------------------------------------------


@pytest.fixture
def plain_app() -> Flask:
    return create_app({"SEED": 1})


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_server_start_stop_fast_and_socket_closed(plain_app: Flask) -> None:
    server = FakeGalleryServer(plain_app)
    started = time.perf_counter()
    server.start()
    port = server.port
    assert port > 0
    assert server.running
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    stopping = time.perf_counter()
    server.stop()
    stopped = time.perf_counter()
    assert stopping - started < 1.0
    assert (
        stopped - stopping < 0.2
    )  # not werkzeug's 0.5 s poll (docs/contributing.md, benchmarks)
    assert not server.running
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_server_bind_failure_raises_at_once(plain_app: Flask, taken_port: int) -> None:
    started = time.perf_counter()
    with pytest.raises(ServerError, match=f"cannot listen on 127.0.0.1:{taken_port}"):
        FakeGalleryServer(plain_app, port=taken_port).start()
    assert time.perf_counter() - started < 1.0


def test_server_check_errors_has_traceback(
    plain_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise KeyError("missing-thing")

    monkeypatch.setattr(GalleryApi, "list_galleries", broken)
    with FakeGalleryServer(plain_app) as server:
        session = wsgi_session(plain_app, server.url, {"Authorization": "k"})
        assert session.get(server.url + "/pro-gallery/v2/galleries").status_code == 500
        with pytest.raises(ServerError) as caught:
            server.check_errors()
        server.check_errors()  # taken: a second check passes
    assert "Traceback" in str(caught.value)
    assert "KeyError: 'missing-thing'" in str(caught.value)
    assert "in broken" in str(caught.value)


# --- determinism ---------------------------------------------------------------------


def _script(app: Flask) -> dict[str, Any]:
    """The same calls, through the socket-free transport."""
    site = "5a1e0c7d-2222-4222-8333-944455566677"
    base = "http://fake.test/pro-gallery/v2"
    http = wsgi_session(
        app, "http://fake.test", {"Authorization": "k", "wix-site-id": site}
    )
    gallery = http.post(base + "/galleries", json={"gallery": {"name": "A"}}).json()
    gid = gallery["gallery"]["id"]
    for n in range(3):
        http.post(
            f"{base}/galleries/{gid}/items", json={"item": {"text": {"html": f"{n}"}}}
        )
    http.post(base + "/galleries", json={"cloneFromGalleryId": gid})
    return get_fake(app).gallery.site_state(site)


def test_determinism_same_seed_same_calls_same_state() -> None:
    config = {"SEED": 77, "FROZEN_TIME": "2026-01-02T03:04:05Z"}
    first = _script(create_app(config))
    second = _script(create_app(config))
    other = _script(create_app({**config, "SEED": 78}))
    assert first == second
    assert len(first["galleries"]) == 2
    assert first["galleries"][0]["id"] != other["galleries"][0]["id"]


# --- pytester runs -------------------------------------------------------------------


def test_pytester_isolation_between_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        SEEN = []

        def create(site):
            url = site.api_url + "/galleries"
            return site.client.post(url, json={"gallery": {"name": "mine"}})

        def test_first(fakegallery):
            assert create(fakegallery).status_code == 200
            SEEN.append(fakegallery.site_id)
            assert len(fakegallery.state()["galleries"]) == 1

        def test_second(fakegallery):
            assert fakegallery.site_id not in SEEN
            assert fakegallery.state()["galleries"] == []
            listed = fakegallery.client.get(fakegallery.api_url + "/galleries")
            assert listed.json()["totalGalleries"] == 0
            # the first test's site was dropped at its teardown
            assert SEEN[0] not in fakegallery.fake.store.site_ids()
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=2)


def test_pytester_server_exception_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from fakegallery.gallery.api import GalleryApi

        def explode(*args):
            raise ZeroDivisionError("kaboom inside the fake")

        def test_causes_500(fakegallery, monkeypatch):
            monkeypatch.setattr(GalleryApi, "list_galleries", explode)
            response = fakegallery.client.get(fakegallery.api_url + "/galleries")
            assert response.status_code == 500  # the test itself is happy

        def test_next_is_not_blamed(fakegallery):
            response = fakegallery.client.get(fakegallery.api_url + "/galleries")
            assert response.status_code == 200
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["E *ServerError: the fake raised 1 exception(s) while serving*"]
    )
    result.stdout.fnmatch_lines(["FAILED *::test_causes_500 - *"])
    output = result.stdout.str()
    assert "ZeroDivisionError: kaboom inside the fake" in output
    assert "in explode" in output  # the server-side traceback


def test_pytester_marker_config_and_lazy_start(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import threading
        import pytest

        def servers():
            return sum(t.name.startswith("fakegallery:") for t in threading.enumerate())

        BEFORE = servers()

        @pytest.fixture(scope="session")
        def fakegallery_config():
            return {"SEED": 5, "MAX_ITEM_LIMIT": 3}
        """
    )
    pytester.makepyfile(
        """
        import pytest
        from conftest import BEFORE, servers

        def test_a_no_server_yet():
            assert servers() == BEFORE

        @pytest.mark.fakegallery(fixtures="basic")
        def test_b_config_and_marker(fakegallery):
            assert servers() == BEFORE + 1
            assert fakegallery.fake.settings.max_item_limit == 3
            assert len(fakegallery.state()["galleries"]) == 2

        @pytest.mark.fakegallery(colour="red")
        def test_c_unknown_option(fakegallery):
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*unknown option(s) ?'colour'?; use*"])


def test_pytester_bind_failure_is_a_clear_error(
    pytester: pytest.Pytester, taken_port: int
) -> None:
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def fakegallery_address():
            return ("127.0.0.1", {taken_port})
        """
    )
    pytester.makepyfile("def test_needs_server(fakegallery):\n    pass\n")
    started = time.perf_counter()
    result = pytester.runpytest()
    assert time.perf_counter() - started < 10
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*cannot listen on 127.0.0.1:{taken_port}*"])


def test_pytester_marker_registered_and_plugin_can_be_disabled(
    pytester: pytest.Pytester,
) -> None:
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.fakegallery(fixtures=*"])
    pytester.makepyfile("def test_x(fakegallery):\n    pass\n")
    disabled = pytester.runpytest("-p", "no:fakegallery")
    disabled.assert_outcomes(errors=1)
    disabled.stdout.fnmatch_lines(["*fixture 'fakegallery' not found*"])


def test_pytester_same_seed_same_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import json
        import pytest

        @pytest.mark.fakegallery(freeze="{FROZEN}", fixtures=["basic"])
        def test_state(fakegallery):
            url = fakegallery.api_url + "/galleries"
            made = fakegallery.client.post(url, json={{"gallery": {{"name": "x"}}}})
            gid = made.json()["gallery"]["id"]
            item = {{"item": {{"text": {{"html": "<p>t</p>"}}}}}}
            fakegallery.client.post(f"{{url}}/{{gid}}/items", json=item)
            print("STATE=" + json.dumps(fakegallery.state(), sort_keys=True))
        """
    )
    runs = [pytester.runpytest("-s") for _ in range(2)]
    states = [
        next(line.partition("STATE=")[2] for line in r.outlines if "STATE=" in line)
        for r in runs
    ]
    assert states[0] == states[1]
    assert '"createdDate": "2030-05-06T07:08:09Z"' in states[0]


@pytest.mark.slow
def test_pytester_xdist_isolation(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_own_site(fakegallery, n):
            url = fakegallery.api_url + "/galleries"
            for _ in range(n + 1):
                made = fakegallery.client.post(url, json={"gallery": {}})
                assert made.status_code == 200
            listed = fakegallery.client.get(url).json()
            assert listed["totalGalleries"] == n + 1
        """
    )
    # Other plugins of this venv are switched off: they only slow the workers.
    quiet = ("no:cacheprovider", "no:schemathesis", "no:hypothesispytest", "no:anyio")
    options = [arg for name in quiet for arg in ("-p", name)]
    result = pytester.runpytest_subprocess("-n", "2", *options)
    result.assert_outcomes(passed=6)


def test_no_server_thread_leaks_after_stop(plain_app: Flask) -> None:
    server = FakeGalleryServer(plain_app).start()
    name = f"fakegallery:{server.port}"
    assert name in {t.name for t in threading.enumerate()}
    server.stop()
    after = {t.name for t in threading.enumerate()}
    assert name not in after
    assert not server.running


def test_readme_example_runs(pytester: pytest.Pytester) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Use it in your tests", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_gallery=example)
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=4)
