"""The live site of each fake site: pages with gallery widgets, galleries
connected to widgets from code, the Media Manager library and the published flag.

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

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from io import BytesIO
from typing import TYPE_CHECKING, Any

import orjson

from . import schemas
from .errors import (
    FORMAT,
    MAX_SIZE,
    NOT_IN_MEDIA_MANAGER,
    REQUIRED_FIELD,
    FieldViolation,
    GalleryNotFound,
    InvalidArgument,
    MediaNotFound,
    WidgetNotFound,
)
from .wire import MEDIA_URL

if TYPE_CHECKING:
    from .fake import FakeGallery

#: The page an Editor gallery lands on when none is named.
DEFAULT_PAGE = "home"
#: Where the fake serves an uploaded file back (GET), under the control plane.
MEDIA_PATH = "/_fake/media/"
#: Wix's limit for one image in the Media Manager is 25 MB [INF: applied as-is].
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

#: Reasons an item is dropped when a backend gallery is shown from code (seed 004).
TEXT_ITEM = "TEXT_ITEM"
LINK_TEXT = "LINK_TEXT"
_REASONS = {
    TEXT_ITEM: "text items cannot be converted to $w.Gallery items",
    LINK_TEXT: "items whose link has `text` cannot be converted to $w.Gallery items",
}

# Pillow format → (file extension in the Wix media id, MIME type). Formats the
# Media Manager takes as images; anything else Pillow reads is refused.
_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
    "BMP": ("bmp", "image/bmp"),
    "TIFF": ("tif", "image/tiff"),
}

Body = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Widget:
    """A pro gallery element on a page. Its id is its Editor gallery's id."""

    id: str
    page: str
    #: The backend gallery page code shows in it instead (rule 3), if any.
    connected_gallery_id: str | None = None


@dataclass(frozen=True, slots=True)
class Media:
    """A file of the site's Media Manager. `data` is None for media that are
    only declared (fixtures, or images the fixture's items reference)."""

    id: str
    width: int
    height: int
    mime_type: str | None = None
    filename: str | None = None
    data: bytes | None = field(default=None, repr=False)

    def to_dict(self, base_url: str = "") -> Body:
        """The JSON shape of /_fake/media; `url` is where the fake serves the
        file (None when there is no file), `wixUrl` what items' imageInfo.url is."""
        info: Body = {"id": self.id, "width": self.width, "height": self.height}
        if self.filename:
            info["filename"] = self.filename
        return {
            "id": self.id,
            "width": self.width,
            "height": self.height,
            "mimeType": self.mime_type,
            "filename": self.filename,
            "sizeInBytes": len(self.data) if self.data is not None else None,
            "url": f"{base_url}{MEDIA_PATH}{self.id}"
            if self.data is not None
            else None,
            "wixUrl": MEDIA_URL + self.id,
            "imageInfo": info,
        }


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
        """Strict-media mode: every image of a validated write request (`item`,
        or `gallery.items[]`) must be in the site's library (seeds 002, 004).
        Raises one 400 naming every offending `…image.imageInfo.id`."""
        if not self.strict_media:
            return
        entries: list[tuple[str, Mapping[str, Any]]] = []
        item = data.get("item")
        if isinstance(item, Mapping):
            entries.append(("item", item))
        gallery = data.get("gallery")
        if isinstance(gallery, Mapping):
            for index, entry in enumerate(gallery.get("items") or ()):
                entries.append((f"gallery.items[{index}]", entry))
        found: list[FieldViolation] = []
        with self.lock:
            site = self._sites.get(site_id)
            library = site.media if site else {}
            for path, entry in entries:
                for where, media_id in _image_ids(entry):
                    if media_id not in library:
                        found.append(
                            FieldViolation(
                                f"{path}.{where}",
                                f"'{media_id}' is not in the site's Media Manager: "
                                "upload it first (POST /_fake/media) or declare it "
                                "in the fixture's `media`",
                                NOT_IN_MEDIA_MANAGER,
                                {"mediaId": media_id},
                            )
                        )
        if found:
            raise InvalidArgument(found)


def _image_ids(entry: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(relative field path, media id) of an item's image and secondary image."""
    image = entry.get("image")
    if isinstance(image, Mapping) and isinstance(image.get("imageInfo"), Mapping):
        yield "image.imageInfo.id", image["imageInfo"]["id"]
    secondary = entry.get("secondaryMedia")
    if isinstance(secondary, Mapping):
        image = secondary.get("image")
        if isinstance(image, Mapping) and isinstance(image.get("imageInfo"), Mapping):
            yield "secondaryMedia.image.imageInfo.id", image["imageInfo"]["id"]


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
    # service imports fake, which imports this module: import it when used.
    from . import service as svc

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


def upload_media(
    fake: FakeGallery, site_id: str, data: bytes, filename: str | None = None
) -> Media:
    """Put a real image file in the site's Media Manager. Pillow reads its
    format and size; anything that is not an accepted image is a 400 on `file`.
    The id looks like Wix's: `<6 hex>_<32 hex>~mv2.<ext>`, from the seeded Ids."""
    if not data:
        raise InvalidArgument.one(
            "file", "is required and must not be empty", REQUIRED_FIELD
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidArgument.one(
            "file",
            f"is larger than {MAX_UPLOAD_BYTES} bytes",
            MAX_SIZE,
            maxSize=MAX_UPLOAD_BYTES,
        )
    from PIL import Image  # imported on first upload: keeps start-up fast

    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidArgument.one(
            "file", "is not an image file that can be read", FORMAT, type="image"
        ) from None
    if kind not in _FORMATS:
        raise InvalidArgument.one(
            "file",
            f"is a {kind} image; the Media Manager takes {', '.join(_FORMATS)}",
            FORMAT,
            type="image",
            formats=list(_FORMATS),
        )
    ext, mime = _FORMATS[kind]
    with fake.live.lock:
        prefix = fake.live.media_prefix(site_id, lambda: fake.ids.hex(6))
        media = Media(
            id=f"{prefix}_{fake.ids.hex(32)}~mv2.{ext}",
            width=width,
            height=height,
            mime_type=mime,
            filename=filename or None,
            data=bytes(data),
        )
        fake.live.add_media(site_id, media)
    return media


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
                for _where, media_id in _image_ids(entry):
                    if not live.has_media(site_id, media_id):
                        info = _image_info(entry, media_id)
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


def _image_info(entry: Mapping[str, Any], media_id: str) -> Mapping[str, Any]:
    for image in (entry.get("image"), (entry.get("secondaryMedia") or {}).get("image")):
        if isinstance(image, Mapping):
            info = image.get("imageInfo") or {}
            if info.get("id") == media_id:
                return info
    return {}
