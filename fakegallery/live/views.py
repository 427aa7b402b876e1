"""What a visitor of the live site sees, computed from the store at view time
(so backend → live sync, rule 2 of docs/live-site.md, needs no copying)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import orjson

from ..errors import GalleryNotFound
from ..state.live import LiveModel, Widget
from ..state.store import MemoryStore

Body = dict[str, Any]

#: Reasons an item is dropped when a backend gallery is shown from code
#: (rule 3; docs/behaviour.md §6.8).
TEXT_ITEM = "TEXT_ITEM"
LINK_TEXT = "LINK_TEXT"
_REASONS = {
    TEXT_ITEM: "text items cannot be converted to $w.Gallery items",
    LINK_TEXT: "items whose link has `text` cannot be converted to $w.Gallery items",
}


def unconvertible(item: Mapping[str, Any]) -> str | None:
    """Why an item cannot become a $w.Gallery item (rule 3), or None."""
    if item.get("type") == "TEXT":
        return TEXT_ITEM
    link = item.get("link")
    if isinstance(link, Mapping) and link.get("text"):
        return LINK_TEXT
    return None


def plain(body: Body) -> Body:
    """A fresh, plain-JSON copy (stored item JSON is embedded as Fragments)."""
    result: Body = orjson.loads(orjson.dumps(body))
    return result


class LiveViews:
    """Pages → widgets → exactly the items shown."""

    def __init__(self, *, lock: threading.RLock, store: MemoryStore, live: LiveModel):
        self.lock = lock
        self.store = store
        self.live = live

    def _widget_view(self, site_id: str, widget: Widget) -> Body:
        connected = widget.connected_gallery_id
        shown = connected or widget.id
        out: Body = {
            "id": widget.id,
            "page": widget.page,
            "source": "code" if connected else "editor",
            "galleryId": shown,
            "connectedGalleryId": connected,
        }
        try:
            gallery = self.store.get_gallery(site_id, shown)
            items = self.store.list_items(site_id, shown)
        except GalleryNotFound:
            # rule 4: a deleted backend gallery appears as an empty widget
            out.update(empty=True, galleryName=None, items=[], dropped=[])
            return out
        visible: list[Any] = []
        dropped: list[Body] = []
        for item in items:
            reason = unconvertible(orjson.loads(item.body)) if connected else None
            if reason is None:
                visible.append(orjson.Fragment(item.body))
            else:
                dropped.append(
                    {
                        "itemId": item.id,
                        "reason": reason,
                        "description": _REASONS[reason],
                    }
                )
        out.update(
            empty=False, galleryName=gallery.name, items=visible, dropped=dropped
        )
        return out

    def live_view(self, site_id: str) -> Body:
        """The site as visitors see it: pages (in the order their first widget
        was added) → widgets → exactly the items shown, in wire shape. A widget
        whose gallery is gone has `empty: true`; a code-connected widget lists
        the items conversion dropped, with the reason. Always a new dict."""
        with self.lock:
            pages: dict[str, list[Body]] = {}
            for widget in self.live.widgets(site_id):
                pages.setdefault(widget.page, []).append(
                    self._widget_view(site_id, widget)
                )
            return plain(
                {
                    "siteId": site_id,
                    "published": self.live.is_published(site_id),
                    "pages": [{"name": n, "widgets": w} for n, w in pages.items()],
                }
            )

    def widget_view(self, site_id: str, widget_id: str) -> Body:
        """One widget of `live_view` (404 WIDGET_NOT_FOUND if there is none)."""
        with self.lock:
            widget = self.live.get_widget(site_id, widget_id)
            return plain(self._widget_view(site_id, widget))
