"""The Media Manager (rule 5 of live.py): media records, uploads, strict-media check.

The per-site library itself is kept by LiveModel (live_model.py), under the
store's lock; this module says what a media file is, how an upload becomes one
(seeds 002_d297c0759f898f89, 004), and which images a write request uses.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any

from .errors import (
    FORMAT,
    MAX_SIZE,
    NOT_IN_MEDIA_MANAGER,
    REQUIRED_FIELD,
    FieldViolation,
    InvalidArgument,
)
from .wire import MEDIA_URL

if TYPE_CHECKING:
    from .fake import FakeGallery

#: Where the fake serves an uploaded file back (GET), under the control plane.
MEDIA_PATH = "/_fake/media/"
#: Wix's limit for one image in the Media Manager is 25 MB [INF: applied as-is].
MAX_UPLOAD_BYTES = 25 * 1024 * 1024

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


def require_media(library: Container[str], data: Mapping[str, Any]) -> None:
    """Every image of a validated write request (`item`, or `gallery.items[]`)
    must be in `library`, the site's media ids (seeds 002, 004). Raises one 400
    naming every offending `…image.imageInfo.id`."""
    entries: list[tuple[str, Mapping[str, Any]]] = []
    item = data.get("item")
    if isinstance(item, Mapping):
        entries.append(("item", item))
    gallery = data.get("gallery")
    if isinstance(gallery, Mapping):
        for index, entry in enumerate(gallery.get("items") or ()):
            entries.append((f"gallery.items[{index}]", entry))
    found: list[FieldViolation] = []
    for path, entry in entries:
        for where, media_id in image_ids(entry):
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


def image_ids(entry: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(relative field path, media id) of an item's image and secondary image."""
    image = entry.get("image")
    if isinstance(image, Mapping) and isinstance(image.get("imageInfo"), Mapping):
        yield "image.imageInfo.id", image["imageInfo"]["id"]
    secondary = entry.get("secondaryMedia")
    if isinstance(secondary, Mapping):
        image = secondary.get("image")
        if isinstance(image, Mapping) and isinstance(image.get("imageInfo"), Mapping):
            yield "secondaryMedia.image.imageInfo.id", image["imageInfo"]["id"]


def image_info(entry: Mapping[str, Any], media_id: str) -> Mapping[str, Any]:
    """The imageInfo of the item's image or secondary image with this id."""
    for image in (entry.get("image"), (entry.get("secondaryMedia") or {}).get("image")):
        if isinstance(image, Mapping):
            info = image.get("imageInfo") or {}
            if info.get("id") == media_id:
                return info
    return {}


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
