"""One site's state across the store, the live model and the media library, as
a value: copy it, clear it, put it (back, or into another site).

The copy shares the immutable galleries, items, widgets and media, so taking
one costs a few tuples and putting one back a dict entry per item: what the
test handle's `snapshot()`/`restore()` and the control plane's per-site
replacement (`PUT /_fake/state`, imports) are built on. Events are not part of
a site copy.
"""

from __future__ import annotations

from typing import NamedTuple

from .live import LiveModel, Widget
from .media import Media, MediaLibrary
from .store import Gallery, Item, MemoryStore


class SiteCopy(NamedTuple):
    """A site's galleries with their items, live-site state and media."""

    galleries: tuple[tuple[Gallery, tuple[Item, ...]], ...]
    published: bool
    widgets: tuple[Widget, ...]
    media: tuple[Media, ...]
    media_prefix: str | None

    @property
    def item_count(self) -> int:
        return sum(len(items) for _gallery, items in self.galleries)

    @property
    def empty(self) -> bool:
        """True when the site holds nothing a new site would not."""
        return not (
            self.galleries
            or self.widgets
            or self.media
            or self.media_prefix
            or not self.published
        )


class SiteParts:
    """The three components that hold per-site data, under the fake's lock."""

    def __init__(self, store: MemoryStore, live: LiveModel, media: MediaLibrary):
        self.store = store
        self.live = live
        self.media = media

    def site_ids(self) -> list[str]:
        """Every site any of the three holds something for, sorted."""
        with self.store.lock:
            found = set(self.store.site_ids())
            found.update(self.live.site_ids(), self.media.site_ids())
            return sorted(found)

    def copy(self, site_id: str) -> SiteCopy:
        store = self.store
        with store.lock:
            galleries = tuple(
                (g, store.list_items(site_id, g.id))
                for g in store.list_galleries(site_id)
            )
            return SiteCopy(
                galleries,
                self.live.is_published(site_id),
                self.live.widgets(site_id),
                self.media.list(site_id),
                self.media.site_prefix(site_id),
            )

    def clear(self, site_id: str) -> None:
        """Drop the site's data, live-site state and media (not its events)."""
        with self.store.lock:
            self.store.drop_site(site_id)
            self.live.drop_site(site_id)
            self.media.drop_site(site_id)

    def put(
        self,
        site_id: str,
        copy: SiteCopy,
        *,
        data: bool = True,
        published: bool = True,
        widgets: bool = True,
        media: bool = True,
    ) -> None:
        """Add the chosen parts of `copy` to the site (normally just cleared)."""
        with self.store.lock:
            if data:
                for gallery, items in copy.galleries:
                    self.store.put_gallery(site_id, gallery)
                    for item in items:
                        self.store.put_item(site_id, item)
            if published and not copy.published:
                self.live.set_published(site_id, False)
            if widgets:
                for widget in copy.widgets:
                    self.live.put_widget(site_id, widget)
            if media:
                if copy.media_prefix is not None:
                    self.media.set_prefix(site_id, copy.media_prefix)
                for entry in copy.media:
                    self.media.add(site_id, entry)

    def restore(self, site_id: str, copy: SiteCopy) -> None:
        """Make the site exactly what `copy` was."""
        with self.store.lock:
            self.clear(site_id)
            self.put(site_id, copy)
