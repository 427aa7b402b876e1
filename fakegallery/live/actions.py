"""The live site of each fake site: what visitors see, and the actions on it.

Pages with gallery widgets, galleries connected to widgets from code, the Media
Manager and the published flag. Their state is state/live.py and state/media.py;
views.py computes what a visitor sees; `LiveSite` here adds the actions (the
/_fake/ routes, fixtures and the pytest handle call them).

The model holds only what the backend store does not: widgets, connections,
media and the flag. What a visitor sees is computed from the store at view time
(`live_view`), so backend → live sync (rule 2) needs no copying.

The seven rules, each explained with the Wix documentation it comes from in
docs/live-site.md: (1) an Editor gallery is a backend gallery and a widget with
the same id, a createGallery gallery is backend-only; (2) backend writes show on
the live site at once; (3) a widget can show a backend gallery from code, minus
text items and items whose link has text; (4) deleting the gallery a widget
shows leaves it empty; (5) images must be in the Media Manager first
(STRICT_MEDIA); (6) the API works only for a published site and (7) only the
manage permission may write unless elevated (both in gallery/auth.py).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import FORMAT, InvalidArgument
from ..gallery.media_check import image_ids, image_info
from ..gallery.wire import editor_filenames
from ..state.clock import Ids
from ..state.live import LiveModel, Widget
from ..state.media import Media, MediaLibrary
from ..state.quota import Quota
from ..state.store import MemoryStore
from . import media
from .views import LiveViews, plain

if TYPE_CHECKING:
    from ..gallery.api import GalleryApi

#: The page an Editor gallery lands on when none is named.
DEFAULT_PAGE = "home"

Body = dict[str, Any]


class LiveSite(LiveViews):
    """The live-site views and the actions on the live site."""

    def __init__(
        self,
        *,
        lock: threading.RLock,
        store: MemoryStore,
        live: LiveModel,
        media: MediaLibrary,
        ids: Ids,
        gallery: GalleryApi,
        quota: Quota,
    ) -> None:
        super().__init__(lock=lock, store=store, live=live)
        self.media = media
        self.ids = ids
        self.gallery = gallery
        self.quota = quota

    def add_editor_gallery(
        self,
        site_id: str,
        gallery: Mapping[str, Any] | None = None,
        page: str = DEFAULT_PAGE,
    ) -> Body:
        """Add a gallery as the Editor's Add Panel would (rule 1): a backend
        gallery (created like createGallery, events included) and a widget on
        `page` with the same id, both or neither. Returns `{gallery, widget}`."""
        if not isinstance(page, str) or not page.strip():
            raise InvalidArgument.one("page", "must be a non-empty string", FORMAT)
        from . import bodies  # marshmallow: loaded on first use

        data = bodies.load_editor_gallery({"gallery": dict(gallery or {})})
        spec = data.get("gallery") or {}
        if spec.get("items"):
            # every Editor upload names its file after its media id (§8.7)
            data["gallery"] = {**spec, "items": editor_filenames(spec["items"])}
        with self.lock:
            created = self.gallery.create_gallery(site_id, data)
            gallery_id = created["gallery"]["id"]
            self.live.put_widget(site_id, Widget(gallery_id, page.strip()))
            return {
                "gallery": plain(created["gallery"]),
                "widget": self.widget_view(site_id, gallery_id),
            }

    def connect(self, site_id: str, widget_id: str, gallery_id: str | None) -> Body:
        """Show backend gallery `gallery_id` in a widget "from code" (rule 3);
        None reconnects the widget to its own gallery. The gallery must exist
        now (page code reads it with getGallery). Returns the widget."""
        with self.lock:
            self.live.get_widget(site_id, widget_id)
            if gallery_id is not None:
                self.store.get_gallery(site_id, gallery_id)
            self.live.connect(site_id, widget_id, gallery_id)
            return self.widget_view(site_id, widget_id)

    def set_published(self, site_id: str, published: bool) -> Body:
        """Rule 6: the Pro Gallery API answers 428 for an unpublished site."""
        with self.lock:
            if not published:
                self.quota.admit_site(site_id)
            self.live.set_published(site_id, published)
        return {"siteId": site_id, "published": published}

    def upload_media(
        self, site_id: str, data: bytes, filename: str | None = None
    ) -> Media:
        """Rule 5: put a real image file in the site's Media Manager."""

        def admit() -> None:
            self.quota.admit_site(site_id)
            self.quota.admit_bytes(len(data))

        return media.upload_media(
            self.media, self.ids, site_id, data, filename, admit=admit
        )

    def load_fixture(
        self,
        site_id: str,
        data: Mapping[str, Any],
        gallery_ids: list[str],
        exact: bool = False,
    ) -> None:
        """Store a validated fixture's live-site keys. `gallery_ids` are the ids
        the fixture's galleries got, in order. Images the galleries use count as
        already in the Media Manager (they are, on the site the fixture
        describes), unless `exact` (imports: `media` is the whole library)."""
        with self.lock:
            if "published" in data:
                self.live.set_published(site_id, bool(data["published"]))
            if "mediaIdPrefix" in data:
                self.media.set_prefix(site_id, data["mediaIdPrefix"])
            for spec, gallery_id in zip(data["galleries"], gallery_ids, strict=True):
                for entry in () if exact else spec.get("items", ()):
                    for _where, media_id in image_ids(entry):
                        if not self.media.has(site_id, media_id):
                            info = image_info(entry, media_id)
                            self.media.add(
                                site_id,
                                Media(
                                    media_id,
                                    info.get("width", 0),
                                    info.get("height", 0),
                                    filename=info.get("filename"),
                                ),
                            )
                if spec.get("origin") == "editor":
                    page = spec.get("page") or DEFAULT_PAGE
                    self.live.put_widget(site_id, Widget(gallery_id, page))
            for entry in data.get("media", ()):
                self.media.add(
                    site_id,
                    Media(
                        entry["id"],
                        entry["width"],
                        entry["height"],
                        mime_type=entry.get("mimeType"),
                        filename=entry.get("filename"),
                        data=entry.get("data"),
                    ),
                )
            for page in data.get("pages", ()):
                for widget in page["widgets"]:
                    self.live.put_widget(
                        site_id,
                        Widget(
                            widget["id"], page["name"], widget.get("connectedGalleryId")
                        ),
                    )
