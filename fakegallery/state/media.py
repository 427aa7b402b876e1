"""The Media Manager of each site: media records and their bytes.

What a media file is (`Media`) and the per-site library that holds them
(`MediaLibrary`, a component). How an upload becomes a record, and which images
a write uses, is the live site's business (live/media.py).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from ..errors import MediaNotFound
from .component import NO_CHANGES, ChangeSink

Json = dict[str, Any]

#: Where Wix serves media files; an item's imageInfo.url is this plus the id
#: (docs/behaviour.md §4.3).
MEDIA_URL = "https://static.wixstatic.com/media/"
#: Where the fake serves an uploaded file back (GET), under the control plane.
MEDIA_PATH = "/_fake/media/"


class Media(NamedTuple):
    """A file of the site's Media Manager. `data` is None for media that are
    only declared (fixtures, or images the fixture's items reference)."""

    id: str
    width: int
    height: int
    mime_type: str | None = None
    filename: str | None = None
    data: bytes | None = None

    def __repr__(self) -> str:  # without the file's bytes
        return (
            f"Media(id={self.id!r}, width={self.width}, height={self.height}, "
            f"mime_type={self.mime_type!r}, filename={self.filename!r})"
        )

    def to_dict(self, base_url: str = "") -> Json:
        """The JSON shape of /_fake/media; `url` is where the fake serves the
        file (None when there is no file), `wixUrl` what items' imageInfo.url is."""
        info: Json = {"id": self.id, "width": self.width, "height": self.height}
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

    def dump(self) -> Json:
        data = base64.b64encode(self.data).decode() if self.data is not None else None
        return {
            "id": self.id,
            "width": self.width,
            "height": self.height,
            "mimeType": self.mime_type,
            "filename": self.filename,
            "data": data,
        }

    @classmethod
    def restore(cls, data: Json) -> Media:
        """The inverse of `dump`; `data` may also be the bytes themselves."""
        raw = data.get("data")
        if isinstance(raw, str):
            raw = base64.b64decode(raw)
        return cls(
            data["id"],
            data["width"],
            data["height"],
            data.get("mimeType"),
            data.get("filename"),
            raw,
        )


def _size(media: Media) -> int:
    return len(media.data) if media.data is not None else 0


class _Library:
    __slots__ = ("media", "prefix")

    def __init__(
        self, media: dict[str, Media] | None = None, prefix: str | None = None
    ) -> None:
        self.media: dict[str, Media] = media or {}  # upload order
        self.prefix = prefix  # the owner part of the site's Wix media ids


class MediaLibrary:
    """Per-site media, under the fake's shared lock. A component. Changes are
    reported per media id; key "" is the site's id prefix."""

    name: ClassVar[str] = "media"

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._sites: dict[str, _Library] = {}
        self.changes: ChangeSink = NO_CHANGES
        self._bytes = 0

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self._sites = {}
            self._bytes = 0
            self.changes.changed(self.name)

    def drop_site(self, site_id: str) -> None:
        with self.lock:
            lib = self._sites.pop(site_id, None)
            if lib is not None:
                self._bytes -= sum(map(_size, lib.media.values()))
            self.changes.changed(self.name, site_id)

    def dump(self) -> Json:
        with self.lock:
            return {
                site_id: {
                    "prefix": lib.prefix,
                    "media": [m.dump() for m in lib.media.values()],
                }
                for site_id, lib in self._sites.items()
            }

    def restore(self, data: Json) -> None:
        sites = {
            site_id: _Library(
                {m["id"]: Media.restore(m) for m in lib["media"]}, lib.get("prefix")
            )
            for site_id, lib in data.items()
        }
        with self.lock:
            self._sites = sites
            self._bytes = sum(
                _size(m) for lib in sites.values() for m in lib.media.values()
            )
            self.changes.changed(self.name)

    # --- the library --------------------------------------------------------------

    def _site(self, site_id: str) -> _Library:
        lib = self._sites.get(site_id)
        if lib is None:
            lib = self._sites[site_id] = _Library()
        return lib

    def site_ids(self) -> list[str]:
        """The sites with a library (media or an id prefix), sorted."""
        with self.lock:
            return sorted(self._sites)

    def has_site(self, site_id: str) -> bool:
        with self.lock:
            return site_id in self._sites

    def stored_bytes(self) -> int:
        """The bytes of every uploaded file (counted by MAX_STORED_BYTES)."""
        with self.lock:
            return self._bytes

    def site_prefix(self, site_id: str) -> str | None:
        """The site's media id prefix, None until one is drawn or set."""
        with self.lock:
            lib = self._sites.get(site_id)
            return lib.prefix if lib else None

    def set_prefix(self, site_id: str, prefix: str) -> None:
        with self.lock:
            self._site(site_id).prefix = prefix
            self.changes.changed(self.name, site_id, "")

    def list(self, site_id: str) -> tuple[Media, ...]:
        with self.lock:
            lib = self._sites.get(site_id)
            return tuple(lib.media.values()) if lib else ()

    def ids(self, site_id: str) -> frozenset[str]:
        with self.lock:
            lib = self._sites.get(site_id)
            return frozenset(lib.media) if lib else frozenset()

    def has(self, site_id: str, media_id: str) -> bool:
        with self.lock:
            lib = self._sites.get(site_id)
            return lib is not None and media_id in lib.media

    def add(self, site_id: str, media: Media) -> None:
        with self.lock:
            lib = self._site(site_id)
            old = lib.media.get(media.id)
            lib.media[media.id] = media
            self._bytes += _size(media) - (_size(old) if old else 0)
            self.changes.changed(self.name, site_id, media.id)

    def find(self, media_id: str, site_id: str | None = None) -> Media:
        """The media with this id in `site_id`, or in any site when None (media
        ids are random, so a bare URL can find its file)."""
        with self.lock:
            libs = [self._sites.get(site_id)] if site_id else list(self._sites.values())
            for lib in libs:
                if lib is not None and media_id in lib.media:
                    return lib.media[media_id]
        raise MediaNotFound(media_id)

    def prefix(self, site_id: str, draw: Callable[[], str]) -> str:
        """The site's 6-hex owner prefix of media ids, drawn once with `draw()`."""
        with self.lock:
            lib = self._site(site_id)
            if lib.prefix is None:
                lib.prefix = draw()
                self.changes.changed(self.name, site_id, "")
            return lib.prefix
