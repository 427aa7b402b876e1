"""The live site of each fake site: what visitors see, and the actions on it.

Pages with gallery widgets, galleries connected to widgets from code, the Media
Manager and the published flag. Their state is LiveModel (live_model.py); media
records and uploads are in media.py; this module computes the views and performs
the actions, and is the live-site API (`upload_media` is re-exported here).

The model holds only what the backend store does not: widgets, connections,
media and the flag. What a visitor sees is computed from the store at view time
(`live_view`), so backend → live sync (rule 2) needs no copying.

Rules, with the vendor document (/work/shared/seeds/) each comes from:

1. Two origins. An Editor gallery is a backend gallery *and* a widget with the same
   id (seed 004_2f6f3a53636824ef "These 2 galleries are synced, and have the same
   gallery ID"). A gallery made with createGallery is backend-only (seed
   003_2014d9f5e0ea61ca "available only on the site's backend").
2. Backend → live sync: item writes to an Editor gallery show at once (seeds
   000_c42dbb3c973c681f, 003_2014d9f5e0ea61ca).
3. A widget can show a backend gallery "from code"; text items and items whose
   link has text cannot be converted and do not show; getGallery with the
   widget's id still returns the widget's own items (seed 004, spec §6.8).
4. Deleting the gallery a widget shows leaves an empty widget (seed
   001_3e77cd42585f5e63).
5. Images must be in the Media Manager first (seeds 002_d297c0759f898f89, 004):
   enforced only with STRICT_MEDIA.
6. The API works only for a published site (seeds 000, 001, 002): see auth.py.
7. Only `pro-gallery.manage` may write, unless elevated (seed 002): see auth.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import orjson

from . import schemas
from . import service as svc
from .errors import FORMAT, GalleryNotFound, InvalidArgument
from .live_model import Widget
from .media import Media, image_ids, image_info
from .media import upload_media as upload_media  # re-exported: the live-site API

if TYPE_CHECKING:
    from .fake import FakeGallery

#: The page an Editor gallery lands on when none is named.
DEFAULT_PAGE = "home"

#: Reasons an item is dropped when a backend gallery is shown from code (seed 004).
TEXT_ITEM = "TEXT_ITEM"
LINK_TEXT = "LINK_TEXT"
_REASONS = {
    TEXT_ITEM: "text items cannot be converted to $w.Gallery items",
    LINK_TEXT: "items whose link has `text` cannot be converted to $w.Gallery items",
}

Body = dict[str, Any]


# --- what a visitor sees ------------------------------------------------------------


def _unconvertible(item: Mapping[str, Any]) -> str | None:
    """Why an item cannot become a $w.Gallery item (seed 004, spec §6.8)."""
    if item.get("type") == "TEXT":
        return TEXT_ITEM
    link = item.get("link")
    if isinstance(link, Mapping) and link.get("text"):
        return LINK_TEXT
    return None


def _widget_view(fake: FakeGallery, site_id: str, widget: Widget) -> Body:
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
        gallery = fake.store.get_gallery(site_id, shown)
        items = fake.store.list_items(site_id, shown)
    except GalleryNotFound:
        # seed 001: a deleted backend gallery "will appear as an empty widget"
        out.update(empty=True, galleryName=None, items=[], dropped=[])
        return out
    visible: list[Any] = []
    dropped: list[Body] = []
    for item in items:
        reason = _unconvertible(orjson.loads(item.body)) if connected else None
        if reason is None:
            visible.append(orjson.Fragment(item.body))
        else:
            dropped.append(
                {"itemId": item.id, "reason": reason, "description": _REASONS[reason]}
            )
    out.update(empty=False, galleryName=gallery.name, items=visible, dropped=dropped)
    return out


def _plain(body: Body) -> Body:
    """A fresh, plain-JSON copy (stored item JSON is embedded as Fragments)."""
    result: Body = orjson.loads(orjson.dumps(body))
    return result


def live_view(fake: FakeGallery, site_id: str) -> Body:
    """The site as visitors see it: pages (in the order their first widget was
    added) → widgets → exactly the items shown, in wire shape. A widget whose
    gallery is gone has `empty: true`; a code-connected widget lists the items
    conversion dropped, with the reason. Always a new dict; safe to change."""
    with fake.store.lock:
        pages: dict[str, list[Body]] = {}
        for widget in fake.live.widgets(site_id):
            pages.setdefault(widget.page, []).append(
                _widget_view(fake, site_id, widget)
            )
        return _plain(
            {
                "siteId": site_id,
                "published": fake.live.is_published(site_id),
                "pages": [{"name": n, "widgets": w} for n, w in pages.items()],
            }
        )


def widget_view(fake: FakeGallery, site_id: str, widget_id: str) -> Body:
    """One widget of `live_view` (404 WIDGET_NOT_FOUND if there is none)."""
    with fake.store.lock:
        widget = fake.live.get_widget(site_id, widget_id)
        return _plain(_widget_view(fake, site_id, widget))


# --- actions (the /_fake/ routes and the pytest plugin call these) -----------------

_EDITOR_GALLERY = schemas.CreateGalleryRequest()


def add_editor_gallery(
    fake: FakeGallery,
    site_id: str,
    gallery: Mapping[str, Any] | None = None,
    page: str = DEFAULT_PAGE,
) -> Body:
    """Add a gallery as the Editor's Add Panel would (seed 004, scenario 1): a
    backend gallery (created like createGallery, events included) and a widget
    on `page` with the same id, both or neither. Returns `{gallery, widget}`."""
    if not isinstance(page, str) or not page.strip():
        raise InvalidArgument.one("page", "must be a non-empty string", FORMAT)
    data = schemas.load(_EDITOR_GALLERY, {"gallery": dict(gallery or {})})
    with fake.store.lock:
        created = svc.create_gallery(fake, site_id, data)
        gallery_id = created["gallery"]["id"]
        fake.live.put_widget(site_id, Widget(gallery_id, page.strip()))
        return {
            "gallery": _plain(created["gallery"]),
            "widget": widget_view(fake, site_id, gallery_id),
        }


def connect(
    fake: FakeGallery, site_id: str, widget_id: str, gallery_id: str | None
) -> Body:
    """Show backend gallery `gallery_id` in a widget "from code" (seed 004,
    scenario 2); None reconnects the widget to its own gallery. The gallery
    must exist now (page code reads it with getGallery). Returns the widget."""
    with fake.store.lock:
        fake.live.get_widget(site_id, widget_id)
        if gallery_id is not None:
            fake.store.get_gallery(site_id, gallery_id)
        fake.live.connect(site_id, widget_id, gallery_id)
        return widget_view(fake, site_id, widget_id)


def set_published(fake: FakeGallery, site_id: str, published: bool) -> Body:
    fake.live.set_published(site_id, published)
    return {"siteId": site_id, "published": published}


# --- fixtures -------------------------------------------------------------------


def load_fixture(
    fake: FakeGallery, site_id: str, data: Mapping[str, Any], gallery_ids: list[str]
) -> None:
    """Store a validated fixture's live-site keys. `gallery_ids` are the ids the
    fixture's galleries got, in order. Images the galleries use count as already
    in the Media Manager (they are, on the site the fixture describes)."""
    with fake.live.lock:
        live = fake.live
        if "published" in data:
            live.set_published(site_id, bool(data["published"]))
        for spec, gallery_id in zip(data["galleries"], gallery_ids, strict=True):
            for entry in spec.get("items", ()):
                for _where, media_id in image_ids(entry):
                    if not live.has_media(site_id, media_id):
                        info = image_info(entry, media_id)
                        live.add_media(
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
                live.put_widget(site_id, Widget(gallery_id, page))
        for media in data.get("media", ()):
            live.add_media(
                site_id,
                Media(
                    media["id"],
                    media["width"],
                    media["height"],
                    mime_type=media.get("mimeType"),
                    filename=media.get("filename"),
                ),
            )
        for page in data.get("pages", ()):
            for widget in page["widgets"]:
                live.put_widget(
                    site_id,
                    Widget(
                        widget["id"], page["name"], widget.get("connectedGalleryId")
                    ),
                )
