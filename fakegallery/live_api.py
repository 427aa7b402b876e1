"""The live-site control plane under /_fake/: add Editor galleries, view the live
site, connect galleries to widgets from code, the Media Manager, publishing.

These routes are test hooks, not Wix endpoints: they need no Authorization. The
site is the `wix-site-id` header, else `?siteId=`, else DEFAULT_SITE_ID.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from . import live, schemas
from .api import body, guid, ok
from .errors import REQUIRED_FIELD, InvalidArgument, MediaNotFound
from .fake import current_fake

bp = Blueprint("live", __name__, url_prefix="/_fake")


class EditorGalleryRequest(schemas.Base):
    """`gallery` is the createGallery `gallery` object (validated the same way)."""

    page = schemas.Str(validate=schemas.non_empty)
    gallery = schemas.Dict(allow_none=True)


class ConnectRequest(schemas.Base):
    """`galleryId: null` shows the widget's own gallery again."""

    galleryId = schemas.Guid(required=True, allow_none=True)


EDITOR_GALLERY = EditorGalleryRequest()
CONNECT = ConnectRequest()


def site_id() -> str:
    """The addressed site: header, then query, then the default site."""
    fake = current_fake()
    site = (
        request.headers.get("wix-site-id", "").strip()
        or request.args.get("siteId", "").strip()
        or fake.settings.default_site_id
    )
    if not site:
        raise InvalidArgument.one(
            "siteId",
            "is required: send a wix-site-id header or ?siteId= "
            "(DEFAULT_SITE_ID is off)",
            REQUIRED_FIELD,
        )
    return site


@bp.post("/editor/galleries")
def add_editor_gallery() -> Response:
    """Rule 1: a backend gallery and a widget on `page` with the same id."""
    data = body(EDITOR_GALLERY)
    page = data.get("page") or live.DEFAULT_PAGE
    created = live.add_editor_gallery(
        current_fake(), site_id(), data.get("gallery"), page
    )
    return ok(created)


@bp.get("/live")
def live_site() -> Response:
    """Pages → widgets → exactly the items a visitor sees."""
    return ok(live.live_view(current_fake(), site_id()))


@bp.get("/live/widgets/<widget_id>")
def live_widget(widget_id: str) -> Response:
    return ok(live.widget_view(current_fake(), site_id(), widget_id))


@bp.post("/live/widgets/<widget_id>/connect")
def connect(widget_id: str) -> Response:
    """Rule 3: show a backend gallery in the widget "from code"."""
    guid("widgetId", widget_id)
    gallery_id = body(CONNECT)["galleryId"]
    return ok(live.connect(current_fake(), site_id(), widget_id, gallery_id))


@bp.post("/media")
def upload_media() -> Response:
    """Rule 5: upload an image (multipart field `file`, or a raw image/* body
    with `?filename=`) → `{id, width, height, url, …}`."""
    upload = request.files.get("file")
    if upload is None and len(request.files) == 1:
        upload = next(iter(request.files.values()))
    if upload is not None:
        data, filename = upload.read(), upload.filename
    elif request.mimetype.startswith("image/"):
        data, filename = request.get_data(), request.args.get("filename")
    else:
        raise InvalidArgument.one(
            "file",
            "is required: send the image as multipart/form-data field `file` "
            "(curl -F file=@photo.jpg)",
            REQUIRED_FIELD,
        )
    media = live.upload_media(current_fake(), site_id(), data, filename)
    return ok(media.to_dict(request.host_url.rstrip("/")))


@bp.get("/media")
def list_media() -> Response:
    """The site's Media Manager, oldest first."""
    base = request.host_url.rstrip("/")
    listed = current_fake().live.media(site_id())
    return ok({"media": [m.to_dict(base) for m in listed]})


@bp.get("/media/<media_id>")
def get_media(media_id: str) -> Response:
    """The uploaded bytes, at a stable URL (no headers needed, so an <img> can
    use it). Without a site given, every site is searched."""
    given = request.headers.get("wix-site-id") or request.args.get("siteId")
    media = current_fake().live.find_media(media_id, given or None)
    if media.data is None:
        raise MediaNotFound(media_id, "is declared but has no file in the fake")
    return Response(
        media.data,
        status=200,
        mimetype=media.mime_type or "application/octet-stream",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


@bp.post("/site/publish")
def publish() -> Response:
    return ok(live.set_published(current_fake(), site_id(), True))


@bp.post("/site/unpublish")
def unpublish() -> Response:
    """Rule 6: Pro Gallery API calls for the site then answer 428."""
    return ok(live.set_published(current_fake(), site_id(), False))
