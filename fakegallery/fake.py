"""FakeGallery: everything one app instance holds (settings, store, clock, ids,
events, server-side errors). It lives at ``app.extensions["fakegallery"]``."""

from __future__ import annotations

import threading

from flask import Flask, current_app

from .clock import Clock, Ids, parse_time
from .config import Settings
from .events import EventLog
from .live_model import LiveModel
from .store import MemoryStore
from .wire import WireBuilder

EXTENSION = "fakegallery"


class FakeGallery:
    """Per-app state container. Nothing in the package keeps state elsewhere."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = MemoryStore(item_sort_desc=settings.item_sort_desc)
        self.ids = Ids(settings.seed)
        frozen = parse_time(settings.frozen_time) if settings.frozen_time else None
        self.clock = Clock(frozen)
        self.wire = WireBuilder(settings.drop_undefined_strings)
        self.events = EventLog()
        #: Pages, widgets, media and published flags (issue 6); shares the lock.
        self.live = LiveModel(self.store.lock, settings.strict_media)
        self._errors_lock = threading.Lock()
        #: Unexpected exceptions raised while serving (each also answered 500).
        self.errors: list[BaseException] = []

    def record_error(self, error: BaseException) -> None:
        with self._errors_lock:
            self.errors.append(error)

    def take_errors(self) -> list[BaseException]:
        """Return and forget the recorded server-side exceptions."""
        with self._errors_lock:
            taken, self.errors = self.errors, []
            return taken

    def reset(self) -> None:
        """Empty the store and event log, and restart ids and clock from the
        settings, so the fake is the same as a freshly created one."""
        with self.store.lock:
            self.store.reset()
            self.live.reset()
            self.ids = Ids(self.ids.seed)
            frozen = self.settings.frozen_time
            self.clock = Clock(parse_time(frozen) if frozen else None)
            self.events.clear()
            self.take_errors()


def init_app(app: Flask, settings: Settings) -> FakeGallery:
    fake = FakeGallery(settings)
    app.extensions[EXTENSION] = fake
    return fake


def current_fake() -> FakeGallery:
    """The FakeGallery of the app handling the current request."""
    fake: FakeGallery = current_app.extensions[EXTENSION]
    return fake
