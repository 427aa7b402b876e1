"""The pytest plugin: a live, isolated Pro Gallery site per test.

Registered through the ``pytest11`` entry point, so installing the package is
enough; ``-p no:fakegallery`` turns it off. One server per session (per xdist
worker), one fresh site per test: isolation is by site, never by a global reset.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# The package (Flask, marshmallow, the server) is imported only when a test asks
# for a fixture, so installing fakegallery costs other test runs nothing.
if TYPE_CHECKING:
    from .testing.handle import GallerySite
    from .testing.server import FakeGalleryServer

MARKER_OPTIONS = ("fixtures", "freeze", "site_id", "api_key")
MARKER = (
    "fakegallery(fixtures=[...], freeze=None, site_id=None, api_key=None): "
    "preload fixture names or paths into the test's site, freeze the fake's "
    "clock at an RFC3339 instant (or True for now), choose the site id or the "
    "API key of the `fakegallery` fixture."
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fakegallery_config() -> dict[str, Any]:
    """App settings of the session's server (upper-case keys, as for
    `create_app`). Override it in your conftest.py, keeping session scope."""
    return {"SEED": 0}


@pytest.fixture(scope="session")
def fakegallery_address() -> tuple[str, int]:
    """(host, port) the server listens on; port 0 picks a free one."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def fakegallery_server(
    fakegallery_config: dict[str, Any], fakegallery_address: tuple[str, int]
) -> Iterator[FakeGalleryServer]:
    """One live server per session (per xdist worker), started on first use."""
    from .app import create_app
    from .testing.server import FakeGalleryServer

    host, port = fakegallery_address
    server = FakeGalleryServer(create_app(fakegallery_config), host, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.fake.close()  # releases DATA_DIR, if one is set


@pytest.fixture
def fakegallery(
    request: pytest.FixtureRequest, fakegallery_server: FakeGalleryServer
) -> Iterator[GallerySite]:
    """A fresh, empty site on the session's server, for this test only."""
    from .testing.handle import DEFAULT_API_KEY, GallerySite
    from .testing.server import format_errors

    options = _marker_options(request.node)
    fake = fakegallery_server.fake
    site_id = options.get("site_id") or fake.ids.guid()
    site = GallerySite(
        fakegallery_server, site_id, options.get("api_key") or DEFAULT_API_KEY
    )
    try:
        freeze = options.get("freeze")
        if freeze is not None and freeze is not False:
            site.freeze(None if freeze is True else freeze)
        for ref in options.get("fixtures") or ():
            site.load(ref)
        yield site
        # Errors raised after the test body (e.g. by other fixtures' teardown).
        errors = fakegallery_server.take_errors()
        if errors:
            pytest.fail(format_errors(errors), pytrace=False)
    finally:
        site.close()


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    marker = node.get_closest_marker("fakegallery")
    if marker is None:
        return {}
    if marker.args:
        pytest.fail(
            "@pytest.mark.fakegallery takes keyword options only, e.g. "
            "fixtures=['basic']",
            pytrace=False,
        )
    unknown = sorted(set(marker.kwargs) - set(MARKER_OPTIONS))
    if unknown:
        pytest.fail(
            f"@pytest.mark.fakegallery: unknown option(s) {unknown}; "
            f"use {list(MARKER_OPTIONS)}",
            pytrace=False,
        )
    options = dict(marker.kwargs)
    if isinstance(options.get("fixtures"), str | Path):
        options["fixtures"] = [options["fixtures"]]
    return options


# --- server-side exceptions fail the test that caused them ----------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After the test body, raise what the fake raised while serving it (each
    was answered 500), with the server-side traceback in the failure."""
    __tracebackhide__ = True
    try:
        result = yield
    except BaseException as exc:
        _raise_server_errors(item, exc)
        raise
    _raise_server_errors(item, None)
    return result


def _raise_server_errors(item: pytest.Item, cause: BaseException | None) -> None:
    __tracebackhide__ = True
    site = getattr(item, "funcargs", {}).get("fakegallery")
    if site is None:
        return
    from .testing.handle import GallerySite
    from .testing.server import ServerError, format_errors

    if not isinstance(site, GallerySite):
        return
    errors = site.server.take_errors()
    if errors:
        raise ServerError(format_errors(errors)) from cause
