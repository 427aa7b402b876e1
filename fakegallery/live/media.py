"""Uploads to the Media Manager (docs/live-site.md, rule 5): a real image file
becomes a media record with a Wix-like id. The library itself is
state/media.py."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from ..errors import FORMAT, MAX_SIZE, REQUIRED_FIELD, InvalidArgument
from ..extras import MEDIA, require
from ..state.clock import Ids
from ..state.media import Media, MediaLibrary

#: Wix's limit for one image in the Media Manager is 25 MB (applied as-is).
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
#: Formats Pillow names apart that are one of the above on disk. MPO is a JPEG
#: with a Multi-Picture Format segment (a depth map or a preview), which most
#: phone cameras write: any JPEG reader shows its first picture.
_SAME_AS = {"MPO": "JPEG"}


def upload_media(
    library: MediaLibrary,
    ids: Ids,
    site_id: str,
    data: bytes,
    filename: str | None = None,
    admit: Callable[[], None] = lambda: None,
) -> Media:
    """Put a real image file in the site's Media Manager. Pillow reads its
    format and size; anything that is not an accepted image is a 400 on `file`.
    The id looks like Wix's: `<6 hex>_<32 hex>~mv2.<ext>`, from the seeded Ids.
    `admit()` runs under the library's lock just before the file is stored
    (the storage limits)."""
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
    # Imported on first upload: Pillow is the `media` extra (MissingExtra names it).
    Image = require("PIL.Image", MEDIA)

    try:
        with Image.open(BytesIO(data)) as image:
            kind = image.format or ""
            kind = _SAME_AS.get(kind, kind)
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
    with library.lock:
        admit()
        prefix = library.prefix(site_id, lambda: ids.hex(6))
        media = Media(
            id=f"{prefix}_{ids.hex(32)}~mv2.{ext}",
            width=width,
            height=height,
            mime_type=mime,
            filename=filename or None,
            data=bytes(data),
        )
        library.add(site_id, media)
    return media
