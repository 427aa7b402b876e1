"""How each component's state maps to rows of the data dir, and back.

A row is ``(site, key, meta, payload)``: `meta` small JSON, `payload` raw bytes
or None, `site` "" for app-wide state. Each adapter answers three questions:
every row (of one site, or of all), the current row of one key (None once the
entry is gone), and how to rebuild the component from its stored rows. The keys
are those the component reports to its `changes` sink.

- store: one row per gallery (key = its id) and per item (key = ``<gallery
  id>/<item id>``); an item's payload is its wire JSON exactly as served.
- live: one row per site (key ""): the published flag and the widgets.
- media: one row per media file (key = its id; payload = the file, if any)
  and one for the site's media id prefix (key "").
- ids: the two random streams at a base point (packed), and the words drawn since.
- any other component with a `changes` sink (the clock; webhook subscriptions
  later): one app-wide row holding its `dump()`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import orjson

from ..errors import NotFound
from ..state.clock import Ids
from ..state.component import Component, Json
from ..state.live import LiveModel
from ..state.media import MediaLibrary
from ..state.store import MemoryStore
from .datadir import Row

#: Two Mersenne Twister states without their positions: 2 × 624 words.
_WORDS = struct.Struct("<1248I")


class RowAdapter(Protocol):
    def rows(self, site: str | None) -> Iterable[Row]:
        """Every row of `site`, or of every site and the app-wide ones (None)."""

    def row(self, site: str, key: str) -> Row | None:
        """The current row of one key; None when the entry is gone."""

    def load(self, rows: list[Row]) -> None:
        """Replace the component's state with the stored rows."""


class BadRow(ValueError):
    """A stored row that cannot be read back (a damaged data dir)."""


def _sites(site: str | None, every: Iterable[str]) -> Iterable[str]:
    return every if site is None else (site,)


class WholeRows:
    """An app-wide component stored whole, as its `dump()`."""

    def __init__(self, component: Component) -> None:
        self.component = component

    def rows(self, site: str | None) -> Iterator[Row]:
        if site is None:
            yield ("", "", orjson.dumps(self.component.dump()), None)

    def row(self, site: str, key: str) -> Row | None:
        return next(self.rows(None), None)

    def load(self, rows: list[Row]) -> None:
        self.component.restore(orjson.loads(rows[-1][2]))


class IdsRows(WholeRows):
    """The id generator in two rows. "base": the seed and both streams' full
    states at some point (5 KB); "position": how many words each stream has
    drawn since (two numbers). The request stream moves with every request,
    so the component is stored with every write (`every_write`), but only the
    small row changes: the base is taken (and stored) anew after a reset or a
    restore, once REBASE_WORDS were drawn, and after a start. Loading sets the
    base and draws the counted words again."""

    component: Ids
    every_write = True
    #: Words drawn before a new base is stored (about 2 ms to draw again).
    REBASE_WORDS = 20_000

    def __init__(self, component: Ids) -> None:
        super().__init__(component)
        self._base: tuple[int, int, int, Row] | None = None

    def rows(self, site: str | None) -> Iterator[Row]:
        if site is not None:
            return
        generation, entity, request = self.component.position()
        base = self._base
        if (
            base is None
            or base[0] != generation
            or entity + request - base[1] - base[2] > self.REBASE_WORDS
        ):
            base = self._base = self._take_base()
            yield base[3]  # (stored once: later writes leave it alone)
        moved = orjson.dumps([entity - base[1], request - base[2]])
        yield ("", "position", moved, None)

    def _take_base(self) -> tuple[int, int, int, Row]:
        ids = self.component
        while True:  # the state and the counts of one instant
            before = ids.position()
            state = ids.dump()
            if ids.position() == before:
                break
        streams = [state["entities"], state["requests"]]
        meta = {
            "seed": state["seed"],
            "streams": [[s[0], s[1][624], s[2]] for s in streams],
        }
        packed = _WORDS.pack(*streams[0][1][:624], *streams[1][1][:624])
        return (*before, ("", "base", orjson.dumps(meta), packed))

    def forget(self) -> None:
        """The write that stored the base failed: store one with the next."""
        self._base = None

    def row(self, site: str, key: str) -> Row | None:
        if key == "base":
            self._base = None  # taken anew, so yielded
        return next((r for r in self.rows(None) if r[1] == key), None)

    def load(self, rows: list[Row]) -> None:
        by_key = {key: (meta, payload) for _site, key, meta, payload in rows}
        if "base" not in by_key or "position" not in by_key:
            raise BadRow("ids: the stored generator state is incomplete")
        meta_json, packed = by_key["base"]
        if packed is None or len(packed) != _WORDS.size:
            raise BadRow("ids: the stored generator state has the wrong size")
        words = _WORDS.unpack(packed)
        meta = orjson.loads(meta_json)
        (ev, ep, eg), (rv, rp, rg) = meta["streams"]
        self.component.restore(
            {
                "seed": meta["seed"],
                "entities": [ev, [*words[:624], ep], eg],
                "requests": [rv, [*words[624:], rp], rg],
            }
        )
        entity, request = orjson.loads(by_key["position"][0])
        self.component.skip(int(entity), int(request))


class StoreRows:
    """Galleries and items, items as their exact wire bytes."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def rows(self, site: str | None) -> Iterator[Row]:
        store = self.store
        for site_id in _sites(site, store.site_ids()):
            for gallery in store.list_galleries(site_id):
                yield self._gallery(site_id, gallery.id)
                for item in store.list_items(site_id, gallery.id):
                    meta = orjson.dumps([item.seq, item.sort_order])
                    yield (site_id, f"{gallery.id}/{item.id}", meta, item.body)

    def _gallery(self, site: str, gallery_id: str) -> Row:
        g = self.store.get_gallery(site, gallery_id)
        meta = orjson.dumps([g.name, g.sort_order, g.created_date, g.seq])
        return (site, g.id, meta, None)

    def row(self, site: str, key: str) -> Row | None:
        gallery_id, _, item_id = key.partition("/")
        try:
            if not item_id:
                return self._gallery(site, gallery_id)
            item = self.store.get_item(site, gallery_id, item_id)
        except NotFound:
            return None
        return (site, key, orjson.dumps([item.seq, item.sort_order]), item.body)

    def load(self, rows: list[Row]) -> None:
        sites: dict[str, dict[str, Json]] = {}
        items: list[Row] = []
        seq = 0
        for row in rows:
            site, key, meta, _payload = row
            if "/" in key:
                items.append(row)
                continue
            name, sort_order, created, gallery_seq = orjson.loads(meta)
            sites.setdefault(site, {})[key] = {
                "id": key,
                "name": name,
                "sortOrder": sort_order,
                "createdDate": created,
                "seq": gallery_seq,
                "items": [],
            }
            seq = max(seq, gallery_seq)
        for site, key, meta, payload in items:
            gallery_id, _, item_id = key.partition("/")
            gallery = sites.get(site, {}).get(gallery_id)
            if gallery is None or payload is None:
                raise BadRow(f"store: item {key} of site {site!r} has no gallery")
            item_seq, sort_order = orjson.loads(meta)
            gallery["items"].append(
                {
                    "id": item_id,
                    "seq": item_seq,
                    "sortOrder": sort_order,
                    "body": payload,
                }
            )
            seq = max(seq, item_seq)
        # The counter only orders entries: the largest stored value continues it.
        shape = {site: list(g.values()) for site, g in sites.items()}
        self.store.restore({"seq": seq, "sites": shape})


class LiveRows:
    """Each site's published flag and widgets, one row per site."""

    def __init__(self, live: LiveModel) -> None:
        self.live = live

    def rows(self, site: str | None) -> Iterator[Row]:
        live = self.live
        for site_id in _sites(site, live.site_ids()):
            widgets = live.widgets(site_id)
            published = live.is_published(site_id)
            if widgets or not published:
                shape = [[w.id, w.page, w.connected_gallery_id] for w in widgets]
                meta = orjson.dumps({"published": published, "widgets": shape})
                yield (site_id, "", meta, None)

    def row(self, site: str, key: str) -> Row | None:
        return next(self.rows(site), None)

    def load(self, rows: list[Row]) -> None:
        sites: dict[str, Any] = {}
        for site, _key, meta, _payload in rows:
            data = orjson.loads(meta)
            widgets = [
                {"id": w, "page": page, "connectedGalleryId": shown}
                for w, page, shown in data["widgets"]
            ]
            sites[site] = {"published": data["published"], "widgets": widgets}
        self.live.restore(sites)


class MediaRows:
    """The Media Manager: one row per file (bytes as the payload)."""

    def __init__(self, media: MediaLibrary) -> None:
        self.media = media

    def rows(self, site: str | None) -> Iterator[Row]:
        media = self.media
        for site_id in _sites(site, media.site_ids()):
            prefix = media.site_prefix(site_id)
            if prefix is not None:
                yield (site_id, "", orjson.dumps(prefix), None)
            for m in media.list(site_id):
                meta = orjson.dumps([m.width, m.height, m.mime_type, m.filename])
                yield (site_id, m.id, meta, m.data)

    def row(self, site: str, key: str) -> Row | None:
        if not key:
            prefix = self.media.site_prefix(site)
            return None if prefix is None else (site, "", orjson.dumps(prefix), None)
        try:
            m = self.media.find(key, site)
        except NotFound:
            return None
        meta = orjson.dumps([m.width, m.height, m.mime_type, m.filename])
        return (site, key, meta, m.data)

    def load(self, rows: list[Row]) -> None:
        sites: dict[str, Json] = {}
        for site, key, meta, payload in rows:
            lib = sites.setdefault(site, {"prefix": None, "media": []})
            if not key:
                lib["prefix"] = orjson.loads(meta)
                continue
            width, height, mime_type, filename = orjson.loads(meta)
            lib["media"].append(
                {
                    "id": key,
                    "width": width,
                    "height": height,
                    "mimeType": mime_type,
                    "filename": filename,
                    "data": payload,
                }
            )
        self.media.restore(sites)


def adapter(component: Component) -> RowAdapter:
    """The adapter of a component that reports its changes."""
    if isinstance(component, MemoryStore):
        return StoreRows(component)
    if isinstance(component, LiveModel):
        return LiveRows(component)
    if isinstance(component, MediaLibrary):
        return MediaRows(component)
    if isinstance(component, Ids):
        return IdsRows(component)
    return WholeRows(component)
