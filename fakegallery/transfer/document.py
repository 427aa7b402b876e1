"""The export document: the whole fake as one versioned JSON file a person can
read and edit (docs/persistence.md#export-and-import).

```
{"format": "fakegallery-export", "version": 1,
 "clock": {"frozenAt": null | RFC3339, "lastSortOrder": n},
 "ids": {"seed": n, "entities": "<base64: where the id generator stands>"},
 "sites": [{"siteId", "published", "mediaIdPrefix"?, "galleries": [...],
            "media": [...], "pages": [...]}]}
```

Each site is in the fixture shape (fixtures/README.md, docs/live-site.md), so a
site of an export is also a valid fixture file. Galleries are listed oldest
first and items in their listed order, each item on one line exactly as the API
serves it (an item without a sortOrder says `"sortOrder": null`); widgets are
grouped by page. The same state always gives the same bytes, so exports can be
diffed. Media files are included (base64 `data`) only when asked for.

A component that has a part in the document beyond these implements
`export_part() -> JSON`, `check_part(value, path) -> checked` (raising
InvalidArgument) and `import_part(checked)`; its part is the top-level key of
its name.
"""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson

from ..state.live import Widget
from ..state.media import Media
from ..state.sites import SiteCopy
from ..state.store import Gallery, Item

if TYPE_CHECKING:
    from ..fake import FakeGallery

FORMAT = "fakegallery-export"
#: The document version this fakegallery writes (and the newest it reads).
VERSION = 1
#: Mersenne Twister state: 624 words and the position.
MT_STATE = struct.Struct("<625I")

Json = dict[str, Any]


def extra_parts(fake: FakeGallery) -> list[Any]:
    """Components with their own part of the document (see module doc)."""
    return [c for c in fake.components if hasattr(c, "export_part")]


def export(
    fake: FakeGallery, *, media: bool = False, site_ids: Iterable[str] | None = None
) -> bytes:
    """The export document as bytes. `site_ids`: only these sites (each one
    listed, even when empty); default every site that holds something."""
    with fake.lock:
        if site_ids is not None:
            copies = [(s, fake.sites.copy(s)) for s in dict.fromkeys(site_ids)]
        else:
            every = [(s, fake.sites.copy(s)) for s in fake.sites.site_ids()]
            copies = [(s, copy) for s, copy in every if not copy.empty]
        clock = fake.clock.dump()
        ids = fake.ids.dump()
        parts = {c.name: c.export_part() for c in extra_parts(fake)}
    document: Json = {
        "format": FORMAT,
        "version": VERSION,
        "clock": clock,
        "ids": {"seed": ids["seed"], "entities": _stream(ids["entities"])},
        "sites": [site(s, copy, media) for s, copy in copies],
        **parts,
    }
    return orjson.dumps(
        document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )


def _stream(state: list[Any]) -> str:
    """A random stream's position as base64 (2,500 bytes)."""
    return base64.b64encode(MT_STATE.pack(*state[1])).decode()


def site(site_id: str, copy: SiteCopy, with_media: bool) -> Json:
    """One site in the fixture shape."""
    out: Json = {"siteId": site_id, "published": copy.published}
    if copy.media_prefix is not None:
        out["mediaIdPrefix"] = copy.media_prefix
    out["galleries"] = [_gallery(g, items) for g, items in copy.galleries]
    out["media"] = [_media(m, with_media) for m in copy.media]
    out["pages"] = _pages(copy.widgets)
    return out


def _gallery(gallery: Gallery, items: tuple[Item, ...]) -> Json:
    out: Json = {"id": gallery.id}
    if gallery.name is not None:
        out["name"] = gallery.name
    out["createdDate"] = gallery.created_date
    if gallery.sort_order is not None:
        out["sortOrder"] = gallery.sort_order
    out["items"] = [_item(i) for i in items]
    return out


def _item(item: Item) -> orjson.Fragment:
    if item.sort_order is not None:
        return orjson.Fragment(item.body)
    # A cleared sortOrder is written as null, so that importing keeps it unset
    # (a missing one would get the default, as in fixtures). The other keys
    # keep their stored order: the null goes in after the id, spliced into the
    # stored bytes where they start as the store writes them.
    head = b'{"id":' + orjson.dumps(item.id)
    body = item.body
    if body.startswith(head) and not body.startswith(b',"sortOrder":', len(head)):
        rest = body[len(head) :]
        return orjson.Fragment(head + b',"sortOrder":null' + rest)
    wire = item.wire()
    return orjson.Fragment(
        orjson.dumps({"id": wire.pop("id"), "sortOrder": None, **wire})
    )


def _media(media: Media, with_data: bool) -> Json:
    out: Json = {"id": media.id, "width": media.width, "height": media.height}
    if media.mime_type is not None:
        out["mimeType"] = media.mime_type
    if media.filename is not None:
        out["filename"] = media.filename
    if with_data and media.data is not None:
        out["data"] = base64.b64encode(media.data).decode()
    return out


def _pages(widgets: tuple[Widget, ...]) -> list[Json]:
    """Widgets by page, pages in the order their first widget was added."""
    pages: dict[str, list[Json]] = {}
    for widget in widgets:
        entry: Json = {"id": widget.id}
        if widget.connected_gallery_id is not None:
            entry["connectedGalleryId"] = widget.connected_gallery_id
        pages.setdefault(widget.page, []).append(entry)
    return [{"name": name, "widgets": listed} for name, listed in pages.items()]
