"""The pytest plugin: a live, isolated Pro Gallery site per test.

Registered through the ``pytest11`` entry point, so installing the package is
enough; ``-p no:fakegallery`` turns it off. One server per session (per xdist
worker), one fresh site per test: isolation is by site, never by a global reset.
Options: ``--fakegallery-config KEY=JSON`` and ``--fakegallery-url URL`` (also
as ini options); docs/testing.md describes them all.

Loading the plugin costs a pytest run almost nothing: this module imports only
pytest; the package (Flask, marshmallow, the server) is imported when a test
asks for a fixture. Supported: pytest >= 7.4 with pluggy >= 1.0 (the hooks use
the old-style `hookwrapper`, which every pluggy 1.x runs).
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pluggy import Result

    from .testing.external import ExternalServer
    from .testing.handle import GallerySite
    from .testing.server import FakeGalleryServer

MARKER = (
    "fakegallery(fixtures=[...], freeze=None, site_id=None, api_key=None, "
    "settings={...}): preload fixture names or paths into the test's site, "
    "freeze the fake's clock at an RFC3339 instant (or True for now), choose "
    "the site id or the API key of the `fakegallery` fixture, override per-site "
    "settings such as ITEM_SORT_DESC or STRICT_MEDIA for the test's site."
)

#: Settings given by --fakegallery-config and the ini option, merged.
OPTION_SETTINGS = pytest.StashKey[dict[str, Any]]()
#: The URL of --fakegallery-url (or the ini option), None for in-process.
EXTERNAL_URL = pytest.StashKey["str | None"]()
#: The fakegallery_config value the session's server was started with.
STARTED_WITH = pytest.StashKey[dict[str, Any]]()


# --- options -------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fakegallery", "fakegallery (a fake Wix Pro Gallery API)")
    group.addoption(
        "--fakegallery-config",
        action="append",
        default=[],
        metavar="KEY=JSON",
        dest="fakegallery_settings",
        help="A setting of the session's in-process fake, over the "
        "fakegallery_config fixture and ini option; repeatable.",
    )
    group.addoption(
        "--fakegallery-url",
        default=None,
        metavar="URL",
        dest="fakegallery_url",
        help="Run the tests against a fakegallery already serving at URL, over "
        "HTTP only, instead of an in-process server.",
    )
    parser.addini(
        "fakegallery_config",
        type="linelist",
        default=[],
        help="Settings KEY=JSON of the session's in-process fake, one per line.",
    )
    parser.addini(
        "fakegallery_url", default="", help="Like --fakegallery-url (the option wins)."
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    ini = list(config.getini("fakegallery_config"))
    cli = list(config.getoption("fakegallery_settings") or ())
    url = config.getoption("fakegallery_url") or config.getini("fakegallery_url")
    settings: dict[str, Any] = {}
    if ini or cli:  # config.py is imported only when there is something to check
        from .cli_options import parse_assignments
        from .config import Settings, SettingsError

        try:
            settings.update(parse_assignments(ini, "ini fakegallery_config"))
            settings.update(parse_assignments(cli, "--fakegallery-config"))
            Settings.from_mapping(settings, settings)
        except SettingsError as exc:
            raise pytest.UsageError(f"fakegallery: {exc}") from None
        if url:
            raise pytest.UsageError(
                "fakegallery: --fakegallery-config sets up the in-process server; "
                "with --fakegallery-url, start that server with the settings "
                "(fakegallery serve --config KEY=JSON)"
            )
    config.stash[OPTION_SETTINGS] = settings
    config.stash[EXTERNAL_URL] = (str(url).strip() or None) if url else None


def pytest_report_header(config: pytest.Config) -> str:
    from . import __version__

    url = config.stash.get(EXTERNAL_URL, None)
    if url:
        return f"fakegallery {__version__}: external server {url} (HTTP only)"
    line = f"fakegallery {__version__}: in-process server, started on first use"
    settings = config.stash.get(OPTION_SETTINGS, {})
    if settings:
        line += "; " + ", ".join(f"{k}={v!r}" for k, v in sorted(settings.items()))
    return line


# --- fixtures ------------------------------------------------------------------------


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
    request: pytest.FixtureRequest,
    fakegallery_config: dict[str, Any],
    fakegallery_address: tuple[str, int],
) -> Iterator[FakeGalleryServer | ExternalServer]:
    """One live server per session (per xdist worker), started on first use;
    with --fakegallery-url, the server already running there."""
    url = request.config.stash.get(EXTERNAL_URL, None)
    if url:
        from .testing.external import ExternalServer

        yield ExternalServer(url).start()
        return
    from .app import create_app
    from .config import SettingsError
    from .errors import FakeGalleryError
    from .seeding.fixtures import FixtureError
    from .testing.server import FakeGalleryServer

    options: dict[str, Any] = request.config.stash.get(OPTION_SETTINGS, {})
    config = {**fakegallery_config, **options}
    try:
        app = create_app(config)
    except (SettingsError, FixtureError, FakeGalleryError) as exc:
        pytest.fail(f"fakegallery: bad session settings: {exc}", pytrace=False)
    request.config.stash[STARTED_WITH] = dict(fakegallery_config)
    host, port = fakegallery_address
    server = FakeGalleryServer(app, host, port)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.fake.close()  # releases DATA_DIR, if one is set


@pytest.fixture
def fakegallery(
    request: pytest.FixtureRequest,
    fakegallery_server: FakeGalleryServer | ExternalServer,
    fakegallery_config: dict[str, Any],
) -> Iterator[GallerySite]:
    """A fresh, empty site on the session's server, for this test only."""
    from .config import SettingsError
    from .seeding.fixtures import FixtureError
    from .testing.handle import DEFAULT_API_KEY, GallerySite
    from .testing.marker import check_api_key, marker_options
    from .testing.server import format_errors

    _check_same_config(request, fakegallery_config)
    options = marker_options(request.node)
    site_id, api_key = options.get("site_id"), options.get("api_key")
    if api_key is not None and request.config.stash.get(EXTERNAL_URL, None) is None:
        site_id = check_api_key(api_key, site_id, fakegallery_server.fake.settings)
    site = GallerySite(fakegallery_server, site_id, api_key or DEFAULT_API_KEY)
    try:
        try:
            if options.get("settings"):
                site.configure(**options["settings"])
            freeze = options.get("freeze")
            if freeze is not None and freeze is not False:
                site.freeze(None if freeze is True else freeze)
            for ref in options.get("fixtures") or ():
                site.load(ref)
        except (SettingsError, FixtureError, ValueError) as exc:
            pytest.fail(f"@pytest.mark.fakegallery: {exc}", pytrace=False)
        yield site
        # Errors raised after the test body (e.g. by other fixtures' teardown).
        errors = site.server.take_errors()
        if errors:
            pytest.fail(format_errors(errors), pytrace=False)
    finally:
        site.close()


def _check_same_config(request: pytest.FixtureRequest, wanted: dict[str, Any]) -> None:
    """One server serves the session: a test whose closest fakegallery_config
    differs from the one it started with would silently get the wrong settings."""
    started = request.config.stash.get(STARTED_WITH, None)
    if started is None or started == wanted:
        return
    pytest.fail(
        "fakegallery: this test's fakegallery_config "
        f"{wanted!r} differs from {started!r}, which the session's server was "
        "started with (one server serves every test of a session or xdist worker, "
        "so a conftest.py override in a sub-folder cannot apply). Define "
        "fakegallery_config once for the session, use per-site settings "
        "(@pytest.mark.fakegallery(settings={...})), or start a second server "
        "(docs/testing.md, 'A second server').",
        pytrace=False,
    )


# --- server-side exceptions fail the test that caused them ---------------------------


def _take_server_errors(item: pytest.Item) -> list[BaseException]:
    """The exceptions the servers of this test's handles recorded so far."""
    handle = sys.modules.get("fakegallery.testing.handle")
    if handle is None:  # no handle exists in this process: nothing to look at
        return []
    errors: list[BaseException] = []
    seen: set[int] = set()
    for value in (getattr(item, "funcargs", None) or {}).values():
        if isinstance(value, handle.GallerySite) and id(value.server) not in seen:
            seen.add(id(value.server))
            errors.extend(value.server.take_errors())
    return errors


@pytest.hookimpl(trylast=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Runs after the test body passed: what the fake raised while serving it
    (each was answered 500) fails the test, with the server-side traceback."""
    __tracebackhide__ = True
    errors = _take_server_errors(item)
    if errors:
        from .testing.server import ServerError, format_errors

        raise ServerError(format_errors(errors))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Result[pytest.TestReport], None]:
    """A test that failed by itself: add what the fake raised as a section of
    its report, so the failure shows both sides."""
    outcome = yield
    if call.when != "call":
        return
    report = outcome.get_result()
    if report.failed:
        errors = _take_server_errors(item)
        if errors:
            from .testing.server import format_errors

            report.sections.append(
                ("fakegallery: server-side exceptions", format_errors(errors))
            )
