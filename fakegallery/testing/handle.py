"""The handle a test gets from the `fakegallery` fixture: one isolated site on
the session's server, with a client, its data, the clock and the live site.

The server is the in-process `FakeGalleryServer`, or with `--fakegallery-url` an
`ExternalServer` reached over HTTP only; the handle speaks to either through a
`SiteControl` (control.py), so the same test runs against both. What needs the
fake in this process (`app`, `fake`, `wsgi_client()`, `take_errors()`, the
journal assertions and fault rules) raises `InProcessOnly` in external mode.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from ..live.actions import DEFAULT_PAGE
from ..state.clock import parse_time
from ..state.journal import Query
from ..state.sites import SiteCopy
from . import verify
from .control import InProcessControl
from .faults import FaultHandle, build_rule
from .transport import wsgi_session
from .webhooks import WebhookTools

if TYPE_CHECKING:
    from flask import Flask

    from ..fake import FakeGallery
    from .external import ExternalServer
    from .server import FakeGalleryServer

API_PREFIX = "/pro-gallery/v2"
#: Any non-empty key has full rights in the default AUTH="open" mode.
DEFAULT_API_KEY = "fakegallery-test-key"


class GallerySite(WebhookTools):
    """One test's site on the session's server.

    Attributes: `url` (origin), `api_url` (`url` + ``/pro-gallery/v2``),
    `site_id`, `headers` (``Authorization`` and ``wix-site-id``), `client` (a
    `requests.Session` sending those headers; in-process, its requests to `url`
    run through the app in the test's thread, without a socket), `server`, and,
    in-process only, `app` and `fake` (the FakeGallery behind the server).
    `http_client()` gives the same session over the server's socket
    (docs/testing.md, which path when). The webhook methods (`subscribe`,
    `webhook_receiver`, `deliveries`, `wait_for_delivery`, …) come from
    WebhookTools (testing/webhooks.py) and are in-process only too.
    """

    def __init__(
        self,
        server: FakeGalleryServer | ExternalServer,
        site_id: str | None = None,
        api_key: str = DEFAULT_API_KEY,
    ) -> None:
        self.server = server
        self._control = server.control()
        self.url = server.url
        self.api_url = self.url + API_PREFIX
        self.site_id = site_id or self._control.new_site_id()
        self.headers = {"Authorization": api_key, "wix-site-id": self.site_id}
        self._in_process = isinstance(self._control, InProcessControl)
        self._sessions: list[requests.Session] = []
        # In-process, the app without a socket: what the server would answer,
        # at a fraction of the cost per call (docs/performance.md, per-test
        # cost). Against an external server, its socket.
        self.client = self.wsgi_client() if self._in_process else self.http_client()
        self._clock_at_start = self._control.clock()
        if self._in_process:
            self._init_webhooks()

    @property
    def app(self) -> Flask:
        """The Flask app (in-process only)."""
        return self.server.app

    @property
    def fake(self) -> FakeGallery:
        """The FakeGallery behind the server (in-process only)."""
        return self.server.fake

    @property
    def dashboard_url(self) -> str:
        """This site's page in the dashboard (docs/dashboard.md): print it, or
        pause a test there (e.g. a breakpoint) to look at its data."""
        return f"{self.url}/_fake/ui/sites/{self.site_id}/"

    def __repr__(self) -> str:
        return f"<GallerySite {self.site_id} at {self.url}>"

    # --- data -----------------------------------------------------------------------

    def load(self, fixture: str | Path) -> None:
        """Load a shipped fixture name (``"basic"``) or a JSON file path into
        this site (the file's own siteId is ignored). Fails with the file name
        and field path on a bad file (fixtures.FixtureError)."""
        self._control.load(self.site_id, fixture)

    def state(self) -> dict[str, Any]:
        """This site's galleries with all their items, in wire shape."""
        return self._control.state(self.site_id)

    def snapshot(self) -> SiteCopy:
        """This site's data, live site and media as a value (cheap: it shares
        the fake's immutable items). Keep it, e.g. in a session fixture after
        loading a large fixture once, and `restore` it in later tests."""
        return self.fake.sites.copy(self.site_id)

    def restore(self, snapshot: SiteCopy) -> None:
        """Make this site exactly what `snapshot` was, whichever site it was
        taken from (its events and the clock are left alone)."""
        self.fake.sites.restore(self.site_id, snapshot)

    def events(self) -> list[dict[str, Any]]:
        """Domain events recorded for this site, oldest first."""
        return self._control.events(self.site_id)

    # --- the clock (per app: it moves time for every site on the server) -------------

    def now(self) -> datetime:
        return self._control.clock()[0]

    def freeze(self, at: str | datetime | None = None) -> datetime:
        """Stop the fake's clock at `at` (RFC3339 or datetime; default: now)."""
        instant = parse_time(at) if isinstance(at, str) else at
        return self._control.freeze(instant)

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward (freezing it first if it runs)."""
        return self._control.advance(seconds)

    def unfreeze(self) -> None:
        self._control.unfreeze()

    # --- the two ways in -----------------------------------------------------------

    def wsgi_client(self) -> requests.Session:
        """Another socket-free session like `client` (same data, same site)."""
        session = wsgi_session(self.app, self.url, self.headers, served=True)
        self._sessions.append(session)
        return session

    def http_client(self) -> requests.Session:
        """A `requests.Session` like `client` that goes over the server's
        socket, as code under test given `url` does: for what only a real
        connection shows (timeouts, the server's own refusals, concurrency
        through the server's threads). ``trust_env=False``: no proxy lookup
        for loopback."""
        session = requests.Session()
        session.trust_env = False
        session.headers.update(self.headers)
        self._sessions.append(session)
        return session

    # --- per-site settings --------------------------------------------------------

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Override per-site settings for this site only, e.g.
        ``configure(ITEM_SORT_DESC=True, STRICT_MEDIA=True)``; None goes back
        to the server's value. Returns the site's overrides. Unknown or
        app-wide keys raise SettingsError (docs/configuration.md)."""
        return self._control.update_settings(self.site_id, settings)

    # --- server-side errors -----------------------------------------------------------

    def take_errors(self) -> list[BaseException]:
        """Return and forget the exceptions the fake raised so far, e.g. in a
        test that provokes a 500 on purpose (otherwise they fail the test)."""
        return self._control.take_errors()

    # --- the live site (docs/live-site.md) ------------------------------------

    def live(self) -> dict[str, Any]:
        """What a visitor of this site sees: pages → widgets → items as page
        code sees them (`items`, the $w.Gallery shape) and in the REST wire
        shape (`wireItems`), with `empty: true` for a widget whose gallery is
        gone and the items dropped by conversion (and why)."""
        return self._control.live(self.site_id)

    def add_editor_gallery(
        self,
        gallery: Mapping[str, Any] | None = None,
        page: str = DEFAULT_PAGE,
    ) -> dict[str, Any]:
        """Add a gallery as the Editor would: a backend gallery plus a widget
        with the same id on `page`. Returns ``{gallery, widget}``."""
        return self._control.add_editor_gallery(self.site_id, gallery, page)

    def connect(self, widget_id: str, gallery_id: str | None) -> dict[str, Any]:
        """Show backend gallery `gallery_id` in a widget "from code" (None
        shows the widget's own gallery again)."""
        return self._control.connect(self.site_id, widget_id, gallery_id)

    def upload_media(self, data: bytes, filename: str | None = None) -> dict[str, Any]:
        """Put a real image file in this site's Media Manager; returns its
        ``{id, width, height, url, imageInfo, …}``."""
        return self._control.upload_media(self.site_id, data, filename)

    def publish(self, published: bool = True) -> None:
        """Publish (or, with False, unpublish) this site: the API refuses every
        call against an unpublished site."""
        self._control.publish(self.site_id, published)

    # --- teardown ---------------------------------------------------------------------

    def close(self) -> None:
        """Close the clients and webhook receivers, drop this site's data,
        events, webhooks and deliveries (no other site is touched), and
        restore the clock and the webhook mode as they were at setup."""
        for session in self._sessions:
            session.close()
        if self._in_process:
            self._close_webhooks()
        at_start, frozen = self._clock_at_start
        try:
            if frozen:
                self._control.freeze(at_start)
            else:
                self._control.unfreeze()
            self._control.drop_site(self.site_id)
        finally:
            self._control.close()

    # --- request journal and faults (docs/journal-and-faults.md) ---------------------
    # Everything here is scoped to this test's site: its requests, its rules.

    def requests(
        self,
        operation: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | str | None = None,
        since: int | None = None,
    ) -> list[dict[str, Any]]:
        """This site's journal entries, oldest first, as GET /_fake/requests
        shows them. `path` is a pattern (``/galleries/*/items``); `status` a
        number or a class such as ``"4xx"``; `since` a sequence number."""
        verify.check_operation(operation)
        exact, klass = _status_filter(status)
        query = Query(
            site_id=self.site_id,
            operation=operation,
            method=method.upper() if method else None,
            path=path,
            status=exact,
            status_class=klass,
            since=since,
        )
        return [e.to_record() for e in self.fake.journal.select(query)]

    def _journal(self) -> tuple[list[dict[str, Any]], int]:
        journal = self.fake.journal
        if not journal.enabled:
            raise verify.JournalIncomplete(
                "the request journal is off (setting JOURNAL=false): nothing to "
                "assert on"
            )
        return self.requests(), journal.dropped_for(self.site_id)

    def assert_called(
        self,
        operation: str,
        times: int | None = None,
        json: Any = None,
        query: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Assert that this site called `operation` (exactly `times` times, if
        given) with a request body containing `json` and a query holding
        `query`; returns the matching entries. A failure lists the closest
        entries and what differed."""
        verify.check_operation(operation)
        records, dropped = self._journal()
        wanted = verify.UNSET if json is None else json
        return verify.verify_called(
            records, self.site_id, dropped, operation, times, wanted, query
        )

    def assert_not_called(self, operation: str) -> None:
        """Assert that this site never called `operation`."""
        verify.check_operation(operation)
        records, dropped = self._journal()
        verify.verify_not_called(records, self.site_id, dropped, operation)

    def clear_requests(self) -> int:
        """Forget this site's journal entries; returns how many."""
        return self.fake.journal.clear(self.site_id)

    def fault(self, operation: str | None = None, **options: Any) -> FaultHandle:
        """Add a fault rule for this site: `operation` and/or `method`, `path`,
        `prefix`; `status`, `code`, `message`, `body`, `headers`, `delay_ms`
        (ms or (min, max)), `connection` ("reset", "empty", "truncate");
        `times`, `after`, `probability`, `seed`. Returns its handle (a context
        manager that removes it)."""
        spec = build_rule(self.site_id, operation, **options)
        return FaultHandle(self.fake, self.fake.faults.add(spec).id)

    def fail_next(
        self, operation: str, status: int = 503, times: int = 1, **options: Any
    ) -> FaultHandle:
        """Fail the next `times` calls of `operation` with `status` (a
        Wix-shaped body); ``with fakegallery.fail_next("createGalleryItem"):``."""
        return self.fault(operation, status=status, times=times, **options)

    def faults(self) -> list[dict[str, Any]]:
        """This site's fault rules with their counters."""
        return [r.to_record() for r in self.fake.faults.list(self.site_id)]


def _status_filter(status: int | str | None) -> tuple[int | None, int | None]:
    """(exact status, status class) of a `status` filter: 404 or "4xx"."""
    if status is None:
        return None, None
    text = str(status).strip().lower()
    if len(text) == 3 and text.endswith("xx") and text[0] in "12345":
        return None, int(text[0])
    if text.isdigit():
        return int(text), None
    raise ValueError(
        f"status must be a number such as 404 or a class such as '4xx', not {status!r}"
    )
