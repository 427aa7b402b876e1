"""The `$w.Gallery` conversion: backend (Pro Gallery API) items → the items of
a gallery element, as page code shows a backend gallery on the live site.

Wix's tutorial "Displaying a Pro Gallery on Your Site Using the Pro Gallery
Backend API" converts each item to `{slug, type, src, description, title,
link}`: `src` is the SDK's `wix:image://v1/…` string for an image, the
`wix:video://v1/…` string or the YouTube/Vimeo URL for a video, and `link` is
the link's URL. The `$w.Gallery` reference
(https://dev.wix.com/docs/velo/api-reference/$w/gallery/items) types those as
`ImageItem` / `VideoItem` with `type` "image" / "video". Text items, and items
whose link has `text`, cannot be converted: the element has no text items and
no link text (docs/live-site.md rule 3, docs/behaviour.md §9).

`to_w_gallery_items` takes items in the REST wire shape (what the fake and the
REST API answer) or the SDK/Velo shape (`_id`, `wix:` strings), so a test can
run its own page code's input through the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

Json = dict[str, Any]

#: Why an item cannot become a `$w.Gallery` item (the `reason` of `dropped`).
TEXT_ITEM = "TEXT_ITEM"
LINK_TEXT = "LINK_TEXT"
NO_MEDIA = "NO_MEDIA"
REASONS = {
    TEXT_ITEM: "text items cannot be converted to $w.Gallery items",
    LINK_TEXT: "items whose link has `text` cannot be converted to $w.Gallery items",
    NO_MEDIA: "items without an image or a video cannot be converted",
}

#: What JavaScript's encodeURIComponent leaves as is (the SDK encodes names so).
_URI_SAFE = "-_.!~*'()"


class Unconvertible(ValueError):
    """An item `$w.Gallery` cannot hold; `reason` is one of REASONS."""

    def __init__(self, item_id: str | None, reason: str) -> None:
        super().__init__(f"item {item_id!r}: {REASONS[reason]}")
        self.item_id = item_id
        self.reason = reason


class Conversion:
    """The converted items, in order, and the ones left out (with why)."""

    __slots__ = ("dropped", "items")

    def __init__(self) -> None:
        self.items: list[Json] = []
        self.dropped: list[Json] = []

    def __repr__(self) -> str:
        return f"Conversion(items={self.items!r}, dropped={self.dropped!r})"


def wix_image_url(info: Mapping[str, Any] | str) -> str:
    """The SDK's REST → SDK image string (docs/behaviour.md §6.6):
    `wix:image://v1/<id>/<encoded filename or altText>#originWidth=W&originHeight=H`,
    the name left out when both are empty; without an id, the `url`."""
    if isinstance(info, str):
        return info  # already the SDK shape
    media_id = info.get("id")
    if not media_id:
        return str(info.get("url") or "")
    name = info.get("filename") or info.get("altText") or ""
    path = f"{media_id}/{quote(name, safe=_URI_SAFE)}" if name else media_id
    width, height = info.get("width", 0), info.get("height", 0)
    return f"wix:image://v1/{path}#originWidth={width}&originHeight={height}"


def _poster_id(poster: Mapping[str, Any]) -> str:
    return str(poster.get("id") or str(poster.get("url") or "").rsplit("/", 1)[-1])


def wix_video_url(info: Mapping[str, Any] | str) -> str:
    """The SDK's REST → SDK video string (docs/behaviour.md §6.7): with an id,
    `wix:video://v1/<id>/<filename>#posterUri=<id>&posterWidth=W&posterHeight=H`
    (the second poster if there are two, else the first); otherwise the URL
    (YouTube, Vimeo)."""
    if isinstance(info, str):
        return info
    video_id = info.get("id")
    if not video_id:
        return str(info.get("url") or "")
    out = f"wix:video://v1/{video_id}"
    if info.get("filename"):
        out += "/" + quote(str(info["filename"]), safe=_URI_SAFE)
    posters = list(info.get("posters") or ())
    if posters:
        poster = posters[1] if len(posters) > 1 else posters[0]
        out += (
            f"#posterUri={_poster_id(poster)}"
            f"&posterWidth={poster.get('width', 0)}"
            f"&posterHeight={poster.get('height', 0)}"
        )
    return out


def why_unconvertible(item: Mapping[str, Any]) -> str | None:
    """The reason an item cannot become a `$w.Gallery` item, or None."""
    if item.get("type") == "TEXT" or item.get("text") is not None:
        return TEXT_ITEM
    link = item.get("link")
    if isinstance(link, Mapping) and link.get("text"):
        return LINK_TEXT
    if item.get("image") is None and item.get("video") is None:
        return NO_MEDIA
    return None


def to_w_gallery_item(item: Mapping[str, Any]) -> Json:
    """One item as a `$w.Gallery` ImageItem / VideoItem, keys in the order of
    the reference: type, slug, src, description, title, link. Raises
    Unconvertible for a text item, a link with text, or no media."""
    item_id = item.get("id") or item.get("_id")
    reason = why_unconvertible(item)
    if reason is not None:
        raise Unconvertible(item_id, reason)
    image = item.get("image")
    if image is not None:
        out: Json = {"type": "image", "slug": item_id}
        out["src"] = wix_image_url(image.get("imageInfo") or {})
    else:
        out = {"type": "video", "slug": item_id}
        out["src"] = wix_video_url(item["video"].get("videoInfo") or {})
    for key in ("description", "title"):
        if item.get(key) is not None:
            out[key] = item[key]
    link = item.get("link")
    if isinstance(link, Mapping) and link.get("url"):
        out["link"] = link["url"]
    if out["slug"] is None:
        del out["slug"]
    return out


def to_w_gallery_items(items: Iterable[Mapping[str, Any]]) -> Conversion:
    """Convert items in order; the ones `$w.Gallery` cannot hold go to
    `dropped` as `{itemId, reason, description}` instead of failing."""
    result = Conversion()
    for item in items:
        try:
            result.items.append(to_w_gallery_item(item))
        except Unconvertible as exc:
            result.dropped.append(
                {
                    "itemId": exc.item_id,
                    "reason": exc.reason,
                    "description": REASONS[exc.reason],
                }
            )
    return result
