"""The handle a test gets from the `fakegallery` fixture: one isolated site on
the session's in-process server, with a client, its data, the clock and the
live site."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from ..live.actions import DEFAULT_PAGE
from ..seeding import fixtures
from ..state.clock import parse_time
from .server import FakeGalleryServer
from .transport import wsgi_session

API_PREFIX = "/pro-gallery/v2"
#: Any non-empty key has full rights in the default AUTH="open" mode.
DEFAULT_API_KEY = "fakegallery-test-key"


class GallerySite:
    """One test's site on the shared in-process server.

    Attributes: `url` (origin), `api_url` (`url` + ``/pro-gallery/v2``),
    `site_id`, `headers` (``Authorization`` and ``wix-site-id``), `client` (a
    `requests.Session` sending those headers whose requests to `url` run
    through the app in the test's thread, without a socket), `server`, `app`
    and `fake` (the FakeGallery behind the server). `http_client()` gives the
    same session over the server's socket (docs/testing.md, which path when).
    """

    def __init__(
        self, server: FakeGalleryServer, site_id: str, api_key: str = DEFAULT_API_KEY
    ) -> None:
        self.server = server
        self.app = server.app
        self.fake = server.fake
        self.url = server.url
        self.api_url = self.url + API_PREFIX
        self.site_id = site_id
        self.headers = {"Authorization": api_key, "wix-site-id": site_id}
        # The app without a socket: what the server would answer, at a
        # fraction of the cost per call (docs/performance.md, per-test cost).
        self.client = wsgi_session(self.app, self.url, self.headers)
        self._sessions: list[requests.Session] = [self.client]
        clock = self.fake.clock
        self._clock_at_start = clock.now() if clock.frozen else None

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
        fixtures.load(self.fake, [fixture], site_id=self.site_id)

    def state(self) -> dict[str, Any]:
        """This site's galleries with all their items, in wire shape."""
        return self.fake.gallery.site_state(self.site_id)

    def events(self) -> list[dict[str, Any]]:
        """Domain events recorded for this site, oldest first."""
        return [e.to_record() for e in self.fake.events.list(self.site_id)]

    # --- the clock (per app: it moves time for every site on the server) -------------

    def now(self) -> datetime:
        return self.fake.clock.now()

    def freeze(self, at: str | datetime | None = None) -> datetime:
        """Stop the fake's clock at `at` (RFC3339 or datetime; default: now)."""
        instant = parse_time(at) if isinstance(at, str) else at
        self.fake.clock.freeze(instant)
        return self.fake.clock.now()

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward (freezing it first if it runs)."""
        self.fake.clock.advance(seconds)
        return self.fake.clock.now()

    def unfreeze(self) -> None:
        self.fake.clock.unfreeze()

    # --- the two ways in -----------------------------------------------------------

    def wsgi_client(self) -> requests.Session:
        """Another socket-free session like `client` (same data, same site)."""
        session = wsgi_session(self.app, self.url, self.headers)
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

    # --- server-side errors -----------------------------------------------------------

    def take_errors(self) -> list[BaseException]:
        """Return and forget the exceptions the fake raised so far, e.g. in a
        test that provokes a 500 on purpose (otherwise they fail the test)."""
        return self.server.take_errors()

    # --- the live site (docs/live-site.md) ------------------------------------

    def live(self) -> dict[str, Any]:
        """What a visitor of this site sees: pages → widgets → items as page
        code sees them (`items`, the $w.Gallery shape) and in the REST wire
        shape (`wireItems`), with `empty: true` for a widget whose gallery is
        gone and the items dropped by conversion (and why)."""
        return self.fake.site.live_view(self.site_id)

    def add_editor_gallery(
        self,
        gallery: Mapping[str, Any] | None = None,
        page: str = DEFAULT_PAGE,
    ) -> dict[str, Any]:
        """Add a gallery as the Editor would: a backend gallery plus a widget
        with the same id on `page`. Returns ``{gallery, widget}``."""
        return self.fake.site.add_editor_gallery(self.site_id, gallery, page)

    def connect(self, widget_id: str, gallery_id: str | None) -> dict[str, Any]:
        """Show backend gallery `gallery_id` in a widget "from code" (None
        shows the widget's own gallery again)."""
        return self.fake.site.connect(self.site_id, widget_id, gallery_id)

    def upload_media(self, data: bytes, filename: str | None = None) -> dict[str, Any]:
        """Put a real image file in this site's Media Manager; returns its
        ``{id, width, height, url, imageInfo, …}``."""
        media = self.fake.site.upload_media(self.site_id, data, filename)
        return media.to_dict(self.url)

    def publish(self, published: bool = True) -> None:
        """Publish (or, with False, unpublish) this site: the API refuses every
        call against an unpublished site."""
        self.fake.site.set_published(self.site_id, published)

    # --- teardown ---------------------------------------------------------------------

    def close(self) -> None:
        """Close the clients, restore the clock as it was at setup, and drop
        this site's data and events (no other site is touched)."""
        for session in self._sessions:
            session.close()
        if self._clock_at_start is None:
            self.fake.clock.unfreeze()
        else:
            self.fake.clock.freeze(self._clock_at_start)
        self.fake.drop_site(self.site_id)
