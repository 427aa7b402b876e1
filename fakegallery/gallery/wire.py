"""Build the wire (REST response) shape of items from validated input.

Everything derived lives here (docs/behaviour.md §4, §6.6–§6.9): item `type`,
`image.type`, `imageInfo.url`, `video.type`, the always-present `videoInfo`
members, the resolution and Wix-hosted poster of YouTube/Vimeo videos (§4.4).
Keys are emitted in the order Wix's protobuf messages give them (§4.2), so a
text snapshot of a real answer matches the fake's byte for byte. Items are
built once per write and stored as ready JSON, so reads never re-serialise them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterable, Mapping
from typing import Any

from ..state.media import MEDIA_URL

# Patterns are compiled on first use (re's cache), not at every start.
_YOUTUBE = r"(?i)^(https?:)?//([a-z0-9-]+\.)*(youtube\.com|youtu\.be)(/|$)"
_VIMEO = r"(?i)^(https?:)?//([a-z0-9-]+\.)*vimeo\.com(/|$)"
MEDIA_TYPES = {"image": "IMAGE", "video": "VIDEO", "text": "TEXT"}

# Key order of each message, as real answers send them (docs/behaviour.md §4.2).
ITEM_KEYS = (
    "id",
    "sortOrder",
    "title",
    "description",
    "type",
    "image",
    "video",
    "text",
    "createdDate",
    "updatedDate",
    "tags",
    "link",
    "secondaryMedia",
)
GALLERY_KEYS = ("id", "name", "totalItems", "items", "sortOrder", "createdDate")
VIDEO_INFO_KEYS = ("id", "resolutions", "url", "filename", "posters")

#: docs/behaviour.md §4.4: the resolution `format` Wix gives an external video.
EXTERNAL_FORMATS = {"YOUTUBE": "Youtube", "VIMEO": "Vimeo"}
#: The size of the poster Wix makes for a YouTube/Vimeo video.
POSTER_WIDTH, POSTER_HEIGHT = 1280, 720


def poster_id(video_url: str) -> str:
    """The media id of the poster Wix would host for an external video
    (docs/behaviour.md §4.4): derived from the URL alone, so it never draws
    from the seeded id stream and the same video always gets the same poster.
    SHA-256 of the URL (UTF-8), as hex: 6 digits, `_`, the next 32, `~mv2.jpg`
    — the shape of a Wix media id."""
    digest = hashlib.sha256(video_url.encode()).hexdigest()
    return f"{digest[:6]}_{digest[6:38]}~mv2.jpg"


def keyed(data: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """`data` with its keys in the given order (keys it lacks are left out)."""
    return {key: data[key] for key in keys if key in data}


class WireBuilder:
    """Turns loaded input into wire dicts; holds the switches that affect shape."""

    def __init__(self, drop_undefined_strings: bool = True) -> None:
        self.drop_undefined = drop_undefined_strings

    def _name(self, value: Any) -> Any:
        """docs/behaviour.md §6.6: the SDK sends the literal "undefined"."""
        if self.drop_undefined and value == "undefined":
            return None
        return value

    def common_image(self, info: Mapping[str, Any]) -> dict[str, Any]:
        """CommonImage: `url` is always rebuilt from `id` (docs/behaviour.md §4.3);
        unset names are left out."""
        out: dict[str, Any] = {
            "id": info["id"],
            "url": MEDIA_URL + info["id"],
            "height": info.get("height", 0),
            "width": info.get("width", 0),
        }
        for key in ("altText", "filename"):
            value = self._name(info.get(key))
            if value is not None:
                out[key] = value
        return out

    def poster(self, info: Mapping[str, Any]) -> dict[str, Any]:
        """A video poster in the shape of Wix's real poster sample: every
        CommonImage member present, unset ones as explicit nulls (§4.4)."""
        return {
            "id": info["id"],
            "url": MEDIA_URL + info["id"],
            "height": info.get("height", 0),
            "width": info.get("width", 0),
            "altText": self._name(info.get("altText")),
            "urlExpirationDate": None,
            "filename": self._name(info.get("filename")),
            "sizeInBytes": None,
        }

    @staticmethod
    def resolution(res: Mapping[str, Any]) -> dict[str, Any]:
        """A video resolution as real answers send it: `quality` and
        `filename` always present, null when unset (§4.4)."""
        return {
            "url": res["url"],
            "height": res["height"],
            "width": res["width"],
            "format": res["format"],
            "quality": res.get("quality"),
            "filename": res.get("filename"),
        }

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
        """docs/behaviour.md §4.4: a YouTube/Vimeo video without resolutions or
        posters of its own gets Wix's one resolution and one hosted poster."""
        info = video["videoInfo"]
        video_id = info.get("id") or ""
        url = info.get("url") or ""
        kind = video.get("type") or video_type(video_id, url)
        resolutions = list(info.get("resolutions") or ())
        posters = list(info.get("posters") or ())
        external = EXTERNAL_FORMATS.get(kind)
        if external and url and not resolutions:
            resolutions = [{"url": url, "height": 0, "width": 0, "format": external}]
        if external and url and not posters:
            made = poster_id(url)
            posters = [
                {
                    "id": made,
                    "height": POSTER_HEIGHT,
                    "width": POSTER_WIDTH,
                    "filename": made,
                }
            ]
        wire_info: dict[str, Any] = {
            "id": video_id,
            "resolutions": [self.resolution(r) for r in resolutions],
            "url": url,
        }
        if info.get("filename") is not None:
            wire_info["filename"] = info["filename"]
        wire_info["posters"] = [self.poster(p) for p in posters]
        out: dict[str, Any] = {"type": kind, "videoInfo": wire_info}
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

    def new(
        self,
        data: Mapping[str, Any],
        item_id: str,
        sort_order: float | None,
        created: str,
        updated: str,
    ) -> dict[str, Any]:
        """A new item's wire dict from validated `data` (at most one media
        member), its keys already in protobuf order: what `apply` of `data`
        (without its `id` and `sortOrder`) to ``{id, dates, sortOrder}``
        followed by `ordered` gives, built in one pass."""
        media = [key for key in MEDIA_TYPES if key in data]
        out: dict[str, Any] = {"id": item_id}
        if len(media) > 1:  # not from a schema: the last one given wins
            out.update(createdDate=created, updatedDate=updated)
            self.apply(out, data, skip=("id", "sortOrder"))
            if sort_order is not None:
                out["sortOrder"] = sort_order
            return ordered(out)
        if sort_order is not None:
            out["sortOrder"] = sort_order
        for key in ("title", "description"):
            if data.get(key) is not None:
                out[key] = data[key]
        out["type"] = MEDIA_TYPES[media[0]] if media else "UNDEFINED"
        if media:
            out[media[0]] = self.media(media[0], data[media[0]])
        out["createdDate"] = created
        out["updatedDate"] = updated
        for key in ("tags", "link"):
            if data.get(key) is not None:
                out[key] = data[key]
        if data.get("secondaryMedia") is not None:
            out["secondaryMedia"] = self.secondary(data["secondaryMedia"])
        return out

    def apply(
        self, item: dict[str, Any], patch: Mapping[str, Any], skip: Container[str] = ()
    ) -> None:
        """Merge validated input into a wire item: present keys replace, an
        explicit null clears, a new media member replaces the old one and the
        `type` (docs/behaviour.md §5.11, §6.5). Keys in `skip` are left out."""
        for key, value in patch.items():
            if key in skip:
                continue
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
        if "image" not in item and "video" not in item and "text" not in item:
            item["type"] = "UNDEFINED"  # no member of MEDIA_TYPES


def video_type(video_id: str, url: str) -> str:
    """docs/behaviour.md §6.7 (a default): a Wix media id → WIX_MEDIA; else
    from the URL's host."""
    if video_id:
        return "WIX_MEDIA"
    if re.match(_YOUTUBE, url):
        return "YOUTUBE"
    if re.match(_VIMEO, url):
        return "VIMEO"
    return "UNDEFINED"


def ordered(item: Mapping[str, Any]) -> dict[str, Any]:
    """The item with its keys in protobuf order (docs/behaviour.md §4.2)."""
    return keyed(item, ITEM_KEYS)


def editor_filenames(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Items as the Editor stores them (docs/behaviour.md §8.7): every image
    (`image` and a `secondaryMedia` image) carries `imageInfo.filename`, equal
    to the media id unless one was given. Returns new dicts."""
    out: list[dict[str, Any]] = []
    for item in items:
        copy = dict(item)
        for holder in ("image", "secondaryMedia"):
            image = copy.get(holder)
            if holder == "secondaryMedia" and isinstance(image, Mapping):
                image = image.get("image")
            if not isinstance(image, Mapping) or "imageInfo" not in image:
                continue
            info = dict(image["imageInfo"])
            if info.get("filename") in (None, "", "undefined"):
                info["filename"] = info["id"]
            filled = {**image, "imageInfo": info}
            if holder == "image":
                copy["image"] = filled
            else:
                copy["secondaryMedia"] = {**copy["secondaryMedia"], "image": filled}
        out.append(copy)
    return out
