"""The data each dashboard page shows, read from the fake's components under
its lock (so a page is one consistent instant) and shaped for the templates.
Only plain values leave here; the templates escape every one of them."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import NotFound
from ..state.clock import format_precise
from ..state.store import Item
from .tiles import Tile, tile

if TYPE_CHECKING:
    from ..fake import FakeGallery

Json = dict[str, Any]

#: How many tiles a gallery card's mosaic shows.
MOSAIC = 4


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a long list: `number` of `pages`, items [start, stop)."""

    number: int
    pages: int
    start: int
    stop: int
    total: int

    @classmethod
    def of(cls, total: int, size: int, wanted: int) -> Pager:
        pages = max(1, math.ceil(total / size))
        number = min(max(wanted, 1), pages)
        start = (number - 1) * size
        return cls(number, pages, start, min(start + size, total), total)


@dataclass(frozen=True, slots=True)
class ItemView:
    id: str
    title: str | None
    type: str
    tags: list[str]
    sort_order: Any
    tile: Tile


def uploaded(fake: FakeGallery, site_id: str) -> frozenset[str]:
    """Ids of the site's media that have a file the fake can serve."""
    return frozenset(m.id for m in fake.media.list(site_id) if m.data is not None)


def item_view(wire: Json, files: frozenset[str]) -> ItemView:
    tags = wire.get("tags") or {}
    values = tags.get("values") if isinstance(tags, dict) else None
    return ItemView(
        id=str(wire.get("id", "")),
        title=wire.get("title"),
        type=str(wire.get("type", "UNDEFINED")),
        tags=[str(t) for t in values or ()],
        sort_order=wire.get("sortOrder"),
        tile=tile(wire, files),
    )


def clock(fake: FakeGallery) -> Json:
    return {"now": format_precise(fake.clock.now()), "frozen": fake.clock.frozen}


def site_ids(fake: FakeGallery) -> list[str]:
    """Every site with data, and the default site, the default site first."""
    default = fake.settings.default_site_id
    ids = fake.store.site_ids()
    if default and default not in ids:
        ids.append(default)
    ids.sort(key=lambda s: (s != default, s))
    return ids


def site_summary(fake: FakeGallery, site_id: str) -> Json:
    with fake.lock:
        galleries = fake.store.list_galleries(site_id)
        return {
            "id": site_id,
            "default": site_id == fake.settings.default_site_id,
            "galleries": len(galleries),
            "item_count": sum(fake.store.count_items(site_id, g.id) for g in galleries),
            "widgets": len(fake.live.widgets(site_id)),
            "media": len(fake.media.list(site_id)),
            "published": fake.live.is_published(site_id),
        }


def gallery_cards(fake: FakeGallery, site_id: str, start: int, stop: int) -> list[Json]:
    """Cards of galleries [start, stop) in the API's order (oldest first)."""
    files = uploaded(fake, site_id)
    with fake.lock:
        galleries = fake.store.page_galleries(site_id, start, stop - start)
        cards = []
        for gallery in galleries:
            items = fake.store.page_items(site_id, gallery.id, 0, MOSAIC)
            cards.append(
                {
                    "id": gallery.id,
                    "name": gallery.name,
                    "created": gallery.created_date,
                    "count": fake.store.count_items(site_id, gallery.id),
                    "mosaic": [tile(orjson.loads(i.body), files) for i in items],
                }
            )
        return cards


@dataclass(frozen=True, slots=True)
class GalleryPage:
    """One page of a gallery: its facts, the stored items shown, the pager."""

    info: Json
    shown: tuple[Item, ...]
    pager: Pager
    files: frozenset[str]

    @property
    def version(self) -> str:
        """Changes whenever what the page's grid shows changes (an ETag that
        needs no rendering)."""
        digest = hashlib.sha1(orjson.dumps(self.info, default=str))
        digest.update(orjson.dumps([self.pager.number, self.pager.pages]))
        for item in self.shown:
            digest.update(item.body)
        digest.update("\n".join(sorted(self.files)).encode())
        return "g-" + digest.hexdigest()

    def views(self) -> list[ItemView]:
        return [item_view(orjson.loads(i.body), self.files) for i in self.shown]


def gallery_page(
    fake: FakeGallery, site_id: str, gallery_id: str, size: int, wanted: int
) -> GalleryPage:
    """A gallery and one page of its items in the API's order."""
    files = uploaded(fake, site_id)
    with fake.lock:
        gallery = fake.store.get_gallery(site_id, gallery_id)
        count = fake.store.count_items(site_id, gallery_id)
        pager = Pager.of(count, size, wanted)
        shown = fake.store.page_items(
            site_id, gallery_id, pager.start, pager.stop - pager.start
        )
    info = {
        "id": gallery.id,
        "name": gallery.name,
        "created": gallery.created_date,
        "sortOrder": gallery.sort_order,
        "count": count,
    }
    return GalleryPage(info, shown, pager, files)


def item_page(
    fake: FakeGallery, site_id: str, gallery_id: str, item_id: str
) -> tuple[Json, ItemView, bytes]:
    """A gallery, one of its items, and the item's exact wire bytes."""
    with fake.lock:
        gallery = fake.store.get_gallery(site_id, gallery_id)
        item = fake.store.get_item(site_id, gallery_id, item_id)
    view = item_view(orjson.loads(item.body), uploaded(fake, site_id))
    return {"id": gallery.id, "name": gallery.name}, view, item.body


def live_site(fake: FakeGallery, site_id: str) -> Json:
    """The live view (/_fake/live) with a tile per shown item, the title of
    each dropped item, and the site's backend galleries (for connecting)."""
    files = uploaded(fake, site_id)
    with fake.lock:
        view = fake.site.live_view(site_id)
        for page in view["pages"]:
            for widget in page["widgets"]:
                widget["tiles"] = [item_view(i, files) for i in widget["wireItems"]]
                for dropped in widget["dropped"]:
                    dropped["title"] = _title(fake, site_id, widget, dropped)
        view["galleries"] = [
            {"id": g.id, "name": g.name} for g in fake.store.list_galleries(site_id)
        ]
    return view


def _title(fake: FakeGallery, site_id: str, widget: Json, dropped: Json) -> Any:
    try:
        item = fake.store.get_item(site_id, widget["galleryId"], dropped["itemId"])
    except NotFound:
        return None
    return orjson.loads(item.body).get("title")


def media_page(fake: FakeGallery, site_id: str, size: int, wanted: int) -> Any:
    """The site's Media Manager, newest first, one page."""
    listed = list(reversed(fake.media.list(site_id)))
    pager = Pager.of(len(listed), size, wanted)
    files = frozenset(m.id for m in listed if m.data is not None)
    shown = []
    for media in listed[pager.start : pager.stop]:
        shown.append(
            {
                "media": media.to_dict(),
                "tile": tile(
                    {"image": {"imageInfo": media.to_dict()["imageInfo"]}}, files
                ),
            }
        )
    return shown, pager
