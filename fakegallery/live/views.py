"""What a visitor of the live site sees, computed from the store at view time
(so backend → live sync, rule 2 of docs/live-site.md, needs no copying)."""

from __future__ import annotations

import threading
from typing import Any

import orjson

from ..errors import GalleryNotFound
from ..state.live import LiveModel, Widget
from ..state.store import MemoryStore
from . import wgallery

Body = dict[str, Any]


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
            stored = self.store.list_items(site_id, shown)
        except GalleryNotFound:
            # rule 4: a deleted backend gallery appears as an empty widget
            out.update(empty=True, galleryName=None, items=[], wireItems=[], dropped=[])
            return out
        wire = [orjson.loads(item.body) for item in stored]
        converted = wgallery.to_w_gallery_items(wire)
        if connected:
            # rule 3: what the conversion cannot express does not show at all
            dropped = {d["itemId"] for d in converted.dropped}
            wire = [item for item in wire if item["id"] not in dropped]
            out_dropped = converted.dropped
        else:
            # an Editor gallery shows every item; `items` holds the ones the
            # $w.Gallery format can express (docs/live-site.md)
            out_dropped = []
        out.update(
            empty=False,
            galleryName=gallery.name,
            items=converted.items,
            wireItems=wire,
            dropped=out_dropped,
        )
        return out

    def live_view(self, site_id: str) -> Body:
        """The site as visitors see it: pages (in the order their first widget
        was added) → widgets → the items shown, as page code sees them
        (`items`, the $w.Gallery shape of live/wgallery.py) and in the REST
        wire shape (`wireItems`). A widget whose gallery is gone has `empty:
        true`; a code-connected widget lists the items conversion dropped,
        with the reason. Always a new dict."""
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
