"""The request bodies of the live-site control routes (marshmallow schemas).
Imported on first use, so a fake that never validates one starts without
marshmallow (docs/performance.md)."""

from __future__ import annotations

from typing import Any

from ..gallery import schemas


class EditorGalleryRequest(schemas.Base):
    """`gallery` is the createGallery `gallery` object (validated the same way)."""

    page = schemas.Str(validate=schemas.non_empty)
    gallery = schemas.Dict(allow_none=True)


class ConnectRequest(schemas.Base):
    """`galleryId: null` shows the widget's own gallery again."""

    galleryId = schemas.Guid(required=True, allow_none=True)


EDITOR_GALLERY = EditorGalleryRequest()
CONNECT = ConnectRequest()
#: An Editor gallery's `gallery` is validated as createGallery's.
_CREATE_GALLERY = schemas.CreateGalleryRequest()


def load_editor_gallery(data: dict[str, Any]) -> dict[str, Any]:
    return schemas.load(_CREATE_GALLERY, data)
