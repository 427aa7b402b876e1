"""How a test handle reaches its fake: `InProcessControl` calls the FakeGallery
object of the session's in-process server; `HttpControl` (testing/external.py)
sends the same requests to the /_fake/ control plane of a server started
elsewhere. `GallerySite` (handle.py) speaks to either through `SiteControl`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..seeding import fixtures

if TYPE_CHECKING:
    from .server import FakeGalleryServer


class InProcessOnly(RuntimeError):
    """A handle feature that needs the fake in this process (not available with
    `--fakegallery-url`): the message says which and why."""


class SiteControl(Protocol):
    """What a handle does to its site and the server's clock."""

    def new_site_id(self) -> str: ...
    def load(self, site_id: str, fixture: str | Path) -> None: ...
    def state(self, site_id: str) -> dict[str, Any]: ...
    def events(self, site_id: str) -> list[dict[str, Any]]: ...
    def clock(self) -> tuple[datetime, bool]: ...
    def freeze(self, at: datetime | None) -> datetime: ...
    def advance(self, seconds: float) -> datetime: ...
    def unfreeze(self) -> None: ...
    def live(self, site_id: str) -> dict[str, Any]: ...
    def add_editor_gallery(
        self, site_id: str, gallery: Mapping[str, Any] | None, page: str
    ) -> dict[str, Any]: ...
    def connect(
        self, site_id: str, widget_id: str, gallery_id: str | None
    ) -> dict[str, Any]: ...
    def upload_media(
        self, site_id: str, data: bytes, filename: str | None
    ) -> dict[str, Any]: ...
    def publish(self, site_id: str, published: bool) -> None: ...
    def update_settings(
        self, site_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any]: ...
    def drop_site(self, site_id: str) -> None: ...
    def take_errors(self) -> list[BaseException]: ...
    def close(self) -> None: ...


class InProcessControl:
    """The session's own FakeGallery, called directly."""

    def __init__(self, server: FakeGalleryServer) -> None:
        self.server = server
        self.fake = server.fake

    def new_site_id(self) -> str:
        return self.fake.ids.guid()

    def load(self, site_id: str, fixture: str | Path) -> None:
        fixtures.load(self.fake, [fixture], site_id=site_id)

    def state(self, site_id: str) -> dict[str, Any]:
        return self.fake.gallery.site_state(site_id)

    def events(self, site_id: str) -> list[dict[str, Any]]:
        return [e.to_record() for e in self.fake.events.list(site_id)]

    def clock(self) -> tuple[datetime, bool]:
        clock = self.fake.clock
        return clock.now(), clock.frozen

    def _deliver(self) -> None:
        """Sync webhook mode: send what this thread queued and what became due
        (a change made without an HTTP request, e.g. a clock move)."""
        self.fake.webhooks.dispatcher.deliver_now()

    def freeze(self, at: datetime | None) -> datetime:
        self.fake.clock.freeze(at)
        self._deliver()
        return self.fake.clock.now()

    def advance(self, seconds: float) -> datetime:
        self.fake.clock.advance(seconds)
        self._deliver()
        return self.fake.clock.now()

    def unfreeze(self) -> None:
        self.fake.clock.unfreeze()
        self._deliver()

    def live(self, site_id: str) -> dict[str, Any]:
        return self.fake.site.live_view(site_id)

    def add_editor_gallery(
        self, site_id: str, gallery: Mapping[str, Any] | None, page: str
    ) -> dict[str, Any]:
        added = self.fake.site.add_editor_gallery(site_id, gallery, page)
        self._deliver()
        return added

    def connect(
        self, site_id: str, widget_id: str, gallery_id: str | None
    ) -> dict[str, Any]:
        return self.fake.site.connect(site_id, widget_id, gallery_id)

    def upload_media(
        self, site_id: str, data: bytes, filename: str | None
    ) -> dict[str, Any]:
        media = self.fake.site.upload_media(site_id, data, filename)
        return media.to_dict(self.server.url)

    def publish(self, site_id: str, published: bool) -> None:
        self.fake.site.set_published(site_id, published)

    def update_settings(
        self, site_id: str, changes: Mapping[str, Any]
    ) -> dict[str, Any]:
        return self.fake.site_settings.update(site_id, changes)

    def drop_site(self, site_id: str) -> None:
        self.fake.drop_site(site_id)

    def take_errors(self) -> list[BaseException]:
        return self.server.take_errors()

    def close(self) -> None:
        pass
