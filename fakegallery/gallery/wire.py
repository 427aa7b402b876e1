"""Build the wire (REST response) shape of items from validated input.

Everything derived lives here (docs/behaviour.md §4, §6.6–§6.9): item `type`,
`image.type`, `imageInfo.url`, `video.type`, the always-present `videoInfo`
members. Items are
built once per write and stored as ready JSON, so reads never re-serialise them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..state.media import MEDIA_URL

_YOUTUBE = re.compile(
    r"^(https?:)?//([a-z0-9-]+\.)*(youtube\.com|youtu\.be)(/|$)", re.I
)
_VIMEO = re.compile(r"^(https?:)?//([a-z0-9-]+\.)*vimeo\.com(/|$)", re.I)
MEDIA_TYPES = {"image": "IMAGE", "video": "VIDEO", "text": "TEXT"}

# Canonical key order of an item, as in real responses (docs/behaviour.md §13.4).
ITEM_KEYS = (
    "id",
    "type",
    "title",
    "description",
    "sortOrder",
    "createdDate",
    "updatedDate",
    "tags",
    "link",
    "image",
    "video",
    "text",
    "secondaryMedia",
)


class WireBuilder:
    """Turns loaded input into wire dicts; holds the switches that affect shape."""

    def __init__(self, drop_undefined_strings: bool = True) -> None:
        self.drop_undefined = drop_undefined_strings

    def common_image(self, info: Mapping[str, Any]) -> dict[str, Any]:
        """CommonImage: `url` is always rebuilt from `id` (docs/behaviour.md §4.3)."""
        out: dict[str, Any] = {
            "id": info["id"],
            "url": MEDIA_URL + info["id"],
            "height": info.get("height", 0),
            "width": info.get("width", 0),
        }
        for key in ("altText", "filename"):
            value = info.get(key)
            if value is None or (self.drop_undefined and value == "undefined"):
                # docs/behaviour.md §6.6: the SDK sends the literal "undefined"
                continue
            out[key] = value
        return out

    def image(self, image: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "WIX_MEDIA",
            "imageInfo": self.common_image(image["imageInfo"]),
        }
        for key in ("focalPoint", "exif", "quality", "unsharpMasking"):
            if image.get(key) is not None:
                out[key] = image[key]
        return out

    def video(self, video: Mapping[str, Any]) -> dict[str, Any]:
        info = video["videoInfo"]
        video_id = info.get("id") or ""
        url = info.get("url") or ""
        wire_info: dict[str, Any] = {
            "id": video_id,
            "url": url,
            "resolutions": list(info.get("resolutions") or ()),
            "posters": [self.common_image(p) for p in info.get("posters") or ()],
        }
        if info.get("filename") is not None:
            wire_info["filename"] = info["filename"]
        out: dict[str, Any] = {
            "type": video.get("type") or video_type(video_id, url),
            "videoInfo": wire_info,
        }
        if video.get("durationInMillis") is not None:
            out["durationInMillis"] = video["durationInMillis"]
        return out

    @staticmethod
    def text(text: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"html": text["html"]}
        if text.get("css") is not None:
            out["css"] = text["css"]
        return out

    def media(self, key: str, value: Mapping[str, Any]) -> dict[str, Any]:
        if key == "image":
            return self.image(value)
        if key == "video":
            return self.video(value)
        return self.text(value)

    def secondary(self, value: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if value.get("image") is not None:
            out["image"] = self.image(value["image"])
        if value.get("text") is not None:
            out["text"] = self.text(value["text"])
        return out

    def apply(self, item: dict[str, Any], patch: Mapping[str, Any]) -> None:
        """Merge validated input into a wire item: present keys replace, an
        explicit null clears, a new media member replaces the old one and the
        `type` (docs/behaviour.md §5.11, §6.5)."""
        for key, value in patch.items():
            if key in MEDIA_TYPES:
                for other in MEDIA_TYPES:
                    item.pop(other, None)
                item[key] = self.media(key, value)
                item["type"] = MEDIA_TYPES[key]
            elif key in ("title", "description", "sortOrder", "link", "tags"):
                if value is None:
                    item.pop(key, None)
                else:
                    item[key] = value
            elif key == "secondaryMedia":
                if value is None:
                    item.pop(key, None)
                else:
                    item[key] = self.secondary(value)
        if not any(k in item for k in MEDIA_TYPES):
            item["type"] = "UNDEFINED"


def video_type(video_id: str, url: str) -> str:
    """docs/behaviour.md §6.7 (a default): a Wix media id → WIX_MEDIA; else
    from the URL's host."""
    if video_id:
        return "WIX_MEDIA"
    if _YOUTUBE.match(url):
        return "YOUTUBE"
    if _VIMEO.match(url):
        return "VIMEO"
    return "UNDEFINED"


def ordered(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item with its keys in canonical order (readable diffs, stable bytes)."""
    return {key: item[key] for key in ITEM_KEYS if key in item}
