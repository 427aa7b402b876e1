"""Per-site live-site state: widgets, connections, media and the published flag.

What the rules of live.py act on; the views and actions are in live.py, what a
media file is and how uploads become one in media.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import MediaNotFound, WidgetNotFound
from .media import Media, require_media


@dataclass(frozen=True, slots=True)
class Widget:
    """A pro gallery element on a page. Its id is its Editor gallery's id."""

    id: str
    page: str
    #: The backend gallery page code shows in it instead (rule 3), if any.
    connected_gallery_id: str | None = None


@dataclass(slots=True)
class _LiveSite:
    widgets: dict[str, Widget] = field(default_factory=dict)  # creation order
    media: dict[str, Media] = field(default_factory=dict)
    published: bool = True  # sites are published unless told otherwise
    media_prefix: str | None = None  # the owner part of Wix media ids


class LiveModel:
    """Per-site widgets, connections, media and published flags. It shares the
    store's re-entrant lock, so a view sees the store and the widgets at one
    instant and an Editor gallery's gallery and widget appear together."""

    def __init__(self, lock: threading.RLock, strict_media: bool = False) -> None:
        self.lock = lock
        self.strict_media = strict_media
        self._sites: dict[str, _LiveSite] = {}

    def reset(self) -> None:
        with self.lock:
            self._sites = {}

    def drop_site(self, site_id: str) -> None:
        with self.lock:
            self._sites.pop(site_id, None)

    def _site(self, site_id: str) -> _LiveSite:
        site = self._sites.get(site_id)
        if site is None:
            site = self._sites[site_id] = _LiveSite()
        return site

    # --- publishing (rule 6) -------------------------------------------------------

    def is_published(self, site_id: str) -> bool:
        with self.lock:
            site = self._sites.get(site_id)
            return site is None or site.published

    def set_published(self, site_id: str, published: bool) -> None:
        with self.lock:
            self._site(site_id).published = published

    # --- widgets (rules 1, 3, 4) ---------------------------------------------------

    def widgets(self, site_id: str) -> tuple[Widget, ...]:
        with self.lock:
            site = self._sites.get(site_id)
            return tuple(site.widgets.values()) if site else ()

    def get_widget(self, site_id: str, widget_id: str) -> Widget:
        with self.lock:
            site = self._sites.get(site_id)
            widget = site.widgets.get(widget_id) if site else None
            if widget is None:
                raise WidgetNotFound(widget_id)
            return widget

    def put_widget(self, site_id: str, widget: Widget) -> None:
        """Add a widget, or replace the one with the same id (keeping its place)."""
        with self.lock:
            self._site(site_id).widgets[widget.id] = widget

    def connect(self, site_id: str, widget_id: str, gallery_id: str | None) -> Widget:
        """Show `gallery_id` in the widget from code; None shows its own again."""
        with self.lock:
            widget = replace(
                self.get_widget(site_id, widget_id), connected_gallery_id=gallery_id
            )
            self._sites[site_id].widgets[widget_id] = widget
            return widget

    # --- the Media Manager (rule 5) ------------------------------------------------

    def media(self, site_id: str) -> tuple[Media, ...]:
        with self.lock:
            site = self._sites.get(site_id)
            return tuple(site.media.values()) if site else ()

    def has_media(self, site_id: str, media_id: str) -> bool:
        with self.lock:
            site = self._sites.get(site_id)
            return site is not None and media_id in site.media

    def add_media(self, site_id: str, media: Media) -> None:
        with self.lock:
            self._site(site_id).media[media.id] = media

    def find_media(self, media_id: str, site_id: str | None = None) -> Media:
        """The media with this id in `site_id`, or in any site when None (media
        ids are random, so a bare URL can find its file)."""
        with self.lock:
            sites = (
                [self._sites.get(site_id)] if site_id else list(self._sites.values())
            )
            for site in sites:
                if site is not None and media_id in site.media:
                    return site.media[media_id]
        raise MediaNotFound(media_id)

    def media_prefix(self, site_id: str, draw: Callable[[], str]) -> str:
        """The site's 6-hex owner prefix of media ids, drawn once with `draw()`."""
        with self.lock:
            site = self._site(site_id)
            if site.media_prefix is None:
                site.media_prefix = draw()
            return site.media_prefix

    def check_media(self, site_id: str, data: Mapping[str, Any]) -> None:
        """Strict-media mode (STRICT_MEDIA): every image of a validated write
        request must be in the site's library (media.require_media)."""
        if not self.strict_media:
            return
        with self.lock:
            site = self._sites.get(site_id)
            require_media(site.media if site else {}, data)
