"""The live-site control plane under /_fake/: add Editor galleries, view the live
site, connect galleries to widgets from code, the Media Manager, publishing.

These routes are test hooks, not Wix endpoints: they need no Authorization. The
site is the `wix-site-id` header, else `?siteId=`, else DEFAULT_SITE_ID.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import REQUIRED_FIELD, InvalidArgument, MediaNotFound
from ..fake import current_fake
from ..web.request import body, control_site, guid, ok
from .actions import DEFAULT_PAGE

bp = Blueprint("live", __name__, url_prefix="/_fake")


def site_id() -> str:
    """The addressed site: header, then query, then the default site."""
    return control_site(current_fake().settings.default_site_id)


@bp.post("/editor/galleries")
def add_editor_gallery() -> Response:
    """Rule 1: a backend gallery and a widget on `page` with the same id."""
    from .bodies import EDITOR_GALLERY  # marshmallow: loaded on first use

    data = body(EDITOR_GALLERY)
    page = data.get("page") or DEFAULT_PAGE
    created = current_fake().site.add_editor_gallery(
        site_id(), data.get("gallery"), page
    )
    return ok(created)


@bp.get("/live")
def live_site() -> Response:
    """Pages → widgets → exactly the items a visitor sees."""
    return ok(current_fake().site.live_view(site_id()))


@bp.get("/live/widgets/<widget_id>")
def live_widget(widget_id: str) -> Response:
    return ok(current_fake().site.widget_view(site_id(), widget_id))


@bp.post("/live/widgets/<widget_id>/connect")
def connect(widget_id: str) -> Response:
    """Rule 3: show a backend gallery in the widget "from code"."""
    guid("widgetId", widget_id)
    from .bodies import CONNECT

    gallery_id = body(CONNECT)["galleryId"]
    return ok(current_fake().site.connect(site_id(), widget_id, gallery_id))


@bp.post("/media")
def upload_media() -> Response:
    """Rule 5: upload an image (multipart field `file`, or a raw image/* body
    with `?filename=`) → `{id, width, height, url, …}`. This route takes
    larger bodies than the JSON ones (MAX_MEDIA_REQUEST_BYTES)."""
    request.max_content_length = current_fake().settings.max_media_request_bytes
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
    media = current_fake().site.upload_media(site_id(), data, filename)
    return ok(media.to_dict(request.host_url.rstrip("/")))


@bp.get("/media")
def list_media() -> Response:
    """The site's Media Manager, oldest first."""
    base = request.host_url.rstrip("/")
    listed = current_fake().media.list(site_id())
    return ok({"media": [m.to_dict(base) for m in listed]})


@bp.get("/media/<media_id>")
def get_media(media_id: str) -> Response:
    """The uploaded bytes, at a stable URL (no headers needed, so an <img> can
    use it). Without a site given, every site is searched."""
    given = request.headers.get("wix-site-id") or request.args.get("siteId")
    media = current_fake().media.find(media_id, given or None)
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
    return ok(current_fake().site.set_published(site_id(), True))


@bp.post("/site/unpublish")
def unpublish() -> Response:
    """Rule 6: Pro Gallery API calls for the site then answer 428."""
    return ok(current_fake().site.set_published(site_id(), False))
