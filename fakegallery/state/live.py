"""Per-site live-site state: the gallery widgets on pages, their code
connections, and the published flag (docs/live-site.md). What the rules act on;
the views and actions are in live/. A component."""

from __future__ import annotations

import threading
from typing import Any, ClassVar, NamedTuple

from ..errors import WidgetNotFound
from .component import NO_CHANGES, ChangeSink

Json = dict[str, Any]


class Widget(NamedTuple):
    """A pro gallery element on a page. Its id is its Editor gallery's id."""

    id: str
    page: str
    #: The backend gallery page code shows in it instead (rule 3), if any.
    connected_gallery_id: str | None = None


class _LiveSite:
    __slots__ = ("published", "widgets")

    def __init__(
        self, widgets: dict[str, Widget] | None = None, published: bool = True
    ) -> None:
        self.widgets: dict[str, Widget] = widgets or {}  # creation order
        self.published = published  # sites are published unless told otherwise


class LiveModel:
    """Per-site widgets, connections and published flags. It shares the fake's
    re-entrant lock with the store, so a view sees the store and the widgets at
    one instant and an Editor gallery's gallery and widget appear together."""

    name: ClassVar[str] = "live"

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._sites: dict[str, _LiveSite] = {}
        #: Told the site after each change (durable mode keeps a row per site).
        self.changes: ChangeSink = NO_CHANGES

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self._sites = {}
            self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        with self.lock:
            self._sites.pop(site_id, None)
            self.changes.changed(self.name, site_id)

    def dump(self) -> Json:
        with self.lock:
            return {
                site_id: {
                    "published": site.published,
                    "widgets": [
                        {
                            "id": w.id,
                            "page": w.page,
                            "connectedGalleryId": w.connected_gallery_id,
                        }
                        for w in site.widgets.values()
                    ],
                }
                for site_id, site in self._sites.items()
            }

    def restore(self, data: Json) -> None:
        sites = {
            site_id: _LiveSite(
                {
                    w["id"]: Widget(w["id"], w["page"], w.get("connectedGalleryId"))
                    for w in site["widgets"]
                },
                bool(site["published"]),
            )
            for site_id, site in data.items()
        }
        with self.lock:
            self._sites = sites
            self.changes.changed(self.name)

    def site_ids(self) -> list[str]:
        """The sites with live-site state (a flag or widgets), sorted."""
        with self.lock:
            return sorted(self._sites)

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
        """A published site without widgets holds nothing: it is forgotten."""
        with self.lock:
            site = self._site(site_id)
            site.published = published
            if published and not site.widgets:
                del self._sites[site_id]
            self.changes.changed(self.name, site_id)

    def has_site(self, site_id: str) -> bool:
        with self.lock:
            return site_id in self._sites

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
            self.changes.changed(self.name, site_id)

    def connect(self, site_id: str, widget_id: str, gallery_id: str | None) -> Widget:
        """Show `gallery_id` in the widget from code; None shows its own again."""
        with self.lock:
            widget = self.get_widget(site_id, widget_id)._replace(
                connected_gallery_id=gallery_id
            )
            self._sites[site_id].widgets[widget_id] = widget
            self.changes.changed(self.name, site_id)
            return widget
