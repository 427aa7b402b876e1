"""Which images a write request uses, and the strict-media rule: with
STRICT_MEDIA on, every image must already be in the site's Media Manager
(docs/live-site.md, rule 5)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any

from ..errors import NOT_IN_MEDIA_MANAGER, FieldViolation, InvalidArgument


def require_media(library: Container[str], data: Mapping[str, Any]) -> None:
    """Every image of a validated write request (`item`, or `gallery.items[]`)
    must be in `library`, the site's media ids (docs/live-site.md rule 5).
    Raises one 400 naming every offending `…image.imageInfo.id`."""
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
