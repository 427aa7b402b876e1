"""What the dashboard draws for one item: its picture (an uploaded file, else a
generated picture in the item's true size), or its text in a sandboxed frame.

Pictures (docs/dashboard.md, "Pictures"): a media id with a file in the site's
Media Manager is shown from /_fake/media/<id>; any other id from
/_fake/placeholder/<w>x<h>/<id>. Nothing is loaded from outside the fake.
Text (docs/dashboard.md, "Safety"): a text item's HTML is cleaned (no script,
no event handler, nothing that loads) and shown only inside an `<iframe
sandbox srcdoc>`; the page itself only ever sees it as escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

#: Size used for a picture whose item gives none (a YouTube or Vimeo video).
VIDEO_SIZE = (1280, 720)
DEFAULT_SIZE = (800, 600)

# Text items: the tags and attributes kept, and the CSS properties kept in
# `style` (none of them can load anything).
_TEXT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "mark", "ol", "p", "pre", "q",
    "s", "small", "span", "strike", "strong", "sub", "sup", "u", "ul", "font",
}  # fmt: skip
_TEXT_ATTRIBUTES = {"*": {"style", "dir", "lang", "title"}, "ol": {"start"}}
_STYLE_PROPERTIES = {
    "color", "background-color", "font-family", "font-size", "font-style",
    "font-weight", "letter-spacing", "line-height", "text-align",
    "text-decoration", "text-transform", "margin", "margin-top", "margin-bottom",
    "margin-left", "margin-right", "padding", "padding-top", "padding-bottom",
    "padding-left", "padding-right",
}  # fmt: skip
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\([0-9., %]{5,40}\)")
_ALIGN = {"top": "flex-start", "middle": "center", "bottom": "flex-end"}


@dataclass(frozen=True, slots=True)
class Tile:
    """One item as the dashboard draws it. `src` is None for text (and for an
    item without media); `document` is the srcdoc of a text item."""

    kind: str  # IMAGE, VIDEO, TEXT or UNDEFINED
    src: str | None
    width: int
    height: int
    document: str | None = None
    label: str = ""


def media_url(
    media_id: str, width: int, height: int, uploaded: frozenset[str], kind: str = ""
) -> str:
    """Where the picture of `media_id` is served by the fake itself."""
    quoted = quote(media_id, safe="~._-")
    if media_id in uploaded:
        return f"/_fake/media/{quoted}"
    query = f"?kind={kind}" if kind else ""
    return f"/_fake/placeholder/{width}x{height}/{quoted}{query}"


def _size(info: Mapping[str, Any], default: tuple[int, int]) -> tuple[int, int]:
    width, height = info.get("width"), info.get("height")
    if isinstance(width, int) and isinstance(height, int) and width > 0 < height:
        return min(width, 100_000), min(height, 100_000)
    return default


def tile(item: Mapping[str, Any], uploaded: frozenset[str]) -> Tile:
    """The tile of a wire-shaped item."""
    kind = str(item.get("type") or "UNDEFINED")
    image = item.get("image")
    if isinstance(image, Mapping):
        info = image.get("imageInfo") or {}
        width, height = _size(info, DEFAULT_SIZE)
        src = media_url(str(info.get("id", "")), width, height, uploaded)
        return Tile("IMAGE", src, width, height, label=f"{width} × {height}")
    video = item.get("video")
    if isinstance(video, Mapping):
        info = video.get("videoInfo") or {}
        posters = info.get("posters") or []
        poster = posters[0] if posters and isinstance(posters[0], Mapping) else None
        source = str(video.get("type") or "VIDEO").replace("_", " ").lower()
        if poster is not None:
            width, height = _size(poster, VIDEO_SIZE)
            media_id = str(poster.get("id", ""))
        else:
            width, height = VIDEO_SIZE
            media_id = str(info.get("url") or info.get("id") or item.get("id", ""))
        src = media_url(media_id, width, height, uploaded, kind="video")
        return Tile("VIDEO", src, width, height, label=f"video · {source}")
    text = item.get("text")
    if isinstance(text, Mapping):
        return Tile("TEXT", None, *DEFAULT_SIZE, document=text_document(text))
    return Tile(kind, None, *DEFAULT_SIZE, label="no media")


def clean_html(html: str) -> str:
    """A text item's HTML without anything that runs or loads."""
    import nh3  # first use only: keeps the package import light

    def no_links(tag: str, attribute: str, value: str) -> str | None:
        return value if attribute != "href" else None

    return nh3.clean(
        html,
        tags=_TEXT_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_TEXT_ATTRIBUTES,
        attribute_filter=no_links,
        filter_style_properties=_STYLE_PROPERTIES,
        link_rel=None,
    )


def text_document(text: Mapping[str, Any]) -> str:
    """The srcdoc of a text item: its cleaned HTML, with its background colour
    and vertical alignment (`css.backgroundColor`, `css.textVerticalAlignment`)."""
    given = text.get("css")
    css: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    colour = css.get("backgroundColor")
    background = (
        colour if isinstance(colour, str) and _COLOUR.fullmatch(colour) else "#fff"
    )
    align = _ALIGN.get(str(css.get("textVerticalAlignment")), "flex-start")
    html = clean_html(str(text.get("html") or ""))
    return (
        '<!doctype html><html><head><meta charset="utf-8"><style>'
        "html,body{margin:0;height:100%}"
        f"body{{background:{background};display:flex;flex-direction:column;"
        f"justify-content:{align};padding:10px;box-sizing:border-box;"
        "font:14px/1.4 system-ui,sans-serif;overflow:hidden;color:#222}"
        "p{margin:0 0 .5em}"
        f"</style></head><body><div>{html}</div></body></html>"
    )
