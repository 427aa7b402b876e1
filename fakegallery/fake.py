"""FakeGallery: one fake, the composition root. It builds the state components
(state/) from the settings and the areas that act on them (the gallery API and
the live site), and lives at ``app.extensions["fakegallery"]``. Reset, per-site
drop, dump and restore are each written once, over all components."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, cast

from flask import Flask, current_app

from .config import Settings
from .control.webhooks import Webhooks
from .gallery.api import GalleryApi
from .live.actions import LiveSite
from .state.clock import Clock, Ids, parse_time
from .state.commit import CommitLock
from .state.component import Components, Json
from .state.events import EventLog
from .state.failures import ServerErrors
from .state.faults import Faults
from .state.journal import Journal
from .state.live import LiveModel
from .state.media import MediaLibrary
from .state.quota import Limits, Quota
from .state.ratelimit import RateLimiter
from .state.site_settings import SiteSettings
from .state.sites import SiteParts
from .state.store import MemoryStore

if TYPE_CHECKING:
    from .persistence import Durable

EXTENSION = "fakegallery"


class FakeGallery:
    """Per-app state and the areas over it. Nothing in the package keeps state
    elsewhere."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        #: With a data dir, the lock also commits each write to disk as it ends.
        self.commit_lock = CommitLock() if settings.data_dir else None
        #: One re-entrant lock for the store, the live model and the media
        #: library: a write and the views see them at one instant. (A
        #: CommitLock serves every use of it: `with` blocks.)
        self.lock = cast(threading.RLock, self.commit_lock or threading.RLock())
        #: The data dir, in durable mode (set by create_app).
        self.durable: Durable | None = None
        frozen = parse_time(settings.frozen_time) if settings.frozen_time else None
        self.clock = Clock(frozen)
        self.ids = Ids(settings.seed)
        #: The per-site overrides of some settings (state/site_settings.py).
        self.site_settings = SiteSettings(settings, self.lock)
        self.store = MemoryStore(
            self.lock,
            lambda site_id: bool(self.site_settings.switch(site_id, "item_sort_desc")),
        )
        self.live = LiveModel(self.lock)
        self.media = MediaLibrary(self.lock)
        #: One site across store, live model and media (copy, clear, put).
        self.sites = SiteParts(self.store, self.live, self.media)
        self.events = EventLog(
            settings.event_log_max_count,
            settings.event_log_max_bytes,
            entity_fqdn=settings.event_entity_fqdn,
        )
        #: Unexpected exceptions raised while serving (each also answered 500).
        self.errors = ServerErrors(
            settings.error_log_max_count, settings.error_log_max_bytes
        )
        #: Subscriptions, the delivery log and the sender of signed webhooks.
        self.webhooks = Webhooks(
            settings,
            clock=self.clock,
            ids=self.ids,
            events=self.events,
            record_error=self.errors.record,
        )
        #: Every request answered (docs/journal-and-faults.md), fault rules,
        #: and the RATE_LIMIT buckets.
        self.journal = Journal(
            settings.journal_max_entries, settings.journal_max_bytes, settings.journal
        )
        self.faults = Faults(self.ids.derive)
        clock = self.clock
        self.rate_limit = RateLimiter(
            settings.rate_limit, lambda: clock.now().timestamp()
        )
        #: The storage limits every write checks (not a component: no state).
        self.quota = Quota(
            Limits(
                settings.max_sites,
                settings.max_galleries_per_site,
                settings.max_stored_bytes,
            ),
            self.sites,
        )
        self.components = Components(
            [
                self.clock,
                self.ids,
                self.site_settings,
                self.store,
                self.live,
                self.media,
                self.events,
                self.errors,
                *self.webhooks.components,
                self.journal,
                self.faults,
                self.rate_limit,
            ]
        )
        self.gallery = GalleryApi(
            site_settings=self.site_settings,
            lock=self.lock,
            store=self.store,
            clock=self.clock,
            ids=self.ids,
            events=self.events,
            media=self.media,
            quota=self.quota,
        )
        self.site = LiveSite(
            lock=self.lock,
            store=self.store,
            live=self.live,
            media=self.media,
            ids=self.ids,
            gallery=self.gallery,
            quota=self.quota,
        )

    def reset(self) -> None:
        """Every component back to what the settings make: the same as a
        freshly created fake."""
        with self.lock:
            self.components.reset()

    def drop_site(self, site_id: str) -> None:
        """Forget one site in every component; no other site is touched."""
        with self.lock:
            self.components.drop_site(site_id)

    def dump(self) -> Json:
        """The whole state, every component, as plain JSON values."""
        with self.lock:
            return self.components.dump()

    def restore(self, data: Json) -> None:
        """Replace the whole state with one `dump` made."""
        with self.lock:
            self.components.restore(data)

    def site_ids(self) -> list[str]:
        """Every site that holds something (galleries, widgets, media, or an
        unpublished flag)."""
        with self.lock:
            return self.quota.site_ids()

    def take_errors(self) -> list[BaseException]:
        """Return and forget the recorded server-side exceptions."""
        return self.errors.take()

    def close(self) -> None:
        """Stop background work (the async webhook sender) and release the data
        dir, if any (its last changes are stored first). The in-memory state
        stays usable; a later async delivery starts a new sender."""
        self.webhooks.close()
        if self.durable is not None:
            self.durable.close()


def init_app(app: Flask, settings: Settings) -> FakeGallery:
    fake = FakeGallery(settings)
    app.extensions[EXTENSION] = fake
    return fake


def current_fake() -> FakeGallery:
    """The FakeGallery of the app handling the current request."""
    fake: FakeGallery = current_app.extensions[EXTENSION]
    return fake
