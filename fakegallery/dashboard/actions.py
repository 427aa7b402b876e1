"""The dashboard's controls: HTML form POSTs under /_fake/ui/actions/ that
check `Origin` first (security.check_origin), do what the matching /_fake/
JSON route does, and send the browser back to the page it came from (303).
Refused input is an HTML error page naming the field; nothing changes then."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from flask import Blueprint, redirect, request
from werkzeug.wrappers import Response

from ..errors import FORMAT, ONE_OF, REQUIRED_FIELD, InvalidArgument
from ..fake import current_fake
from ..state.clock import parse_time
from ..web.request import guid
from .security import check_origin, secure

bp = Blueprint("dashboard_actions", __name__, url_prefix="/_fake/ui/actions")
bp.before_request(check_origin)
bp.after_request(secure)

HOME = "/_fake/ui/"
#: Advancing further than this (about 300 years) is refused, not overflowed.
MAX_ADVANCE = 1e10


def back() -> Response:
    """303 to the form's `next` when it is a dashboard page, else home."""
    target = request.form.get("next", "")
    if not target.startswith(HOME) or "\\" in target or "//" in target:
        target = HOME
    return redirect(target, 303)


def required(name: str) -> str:
    value = request.form.get(name, "").strip()
    if not value:
        raise InvalidArgument.one(name, "is required", REQUIRED_FIELD)
    return value


@bp.post("/reset")
def reset() -> Response:
    """Forget one site (`siteId`) or, without it, everything."""
    fake = current_fake()
    site_id = request.form.get("siteId", "").strip()
    if site_id:
        fake.drop_site(site_id)
    else:
        fake.reset()
    return back()


def _instant(text: str) -> datetime:
    """An RFC3339 date-time; a browser's `datetime-local` value is UTC."""
    if len(text) in (16, 19) and "T" in text:  # 2026-01-02T03:04[:05]
        text += ":00Z" if len(text) == 16 else "Z"
    try:
        return parse_time(text)
    except ValueError as exc:
        raise InvalidArgument.one(
            "at", f"must be an RFC3339 date-time: {exc}", FORMAT, type="date-time"
        ) from None


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or abs(seconds) > MAX_ADVANCE:
        raise InvalidArgument.one(
            "seconds",
            f"must be a number of seconds between -{MAX_ADVANCE:.0e} and "
            f"{MAX_ADVANCE:.0e}",
            FORMAT,
            type="number",
        )
    return seconds


@bp.post("/clock")
def clock() -> Response:
    """`action`: `freeze` (at `at`, default now), `unfreeze`, or `advance` by
    `seconds` (advancing a running clock freezes it, as POST /_fake/clock)."""
    clock = current_fake().clock
    action = request.form.get("action", "")
    if action == "unfreeze":
        clock.unfreeze()
    elif action == "freeze":
        at = request.form.get("at", "").strip()
        clock.freeze(_instant(at) if at else clock.now())
    elif action == "advance":
        seconds = _seconds(required("seconds"))
        try:
            clock.freeze(clock.now() + timedelta(seconds=seconds))
        except OverflowError:
            raise InvalidArgument.one(
                "seconds", "moves the clock outside the years 1–9999", FORMAT
            ) from None
    else:
        raise InvalidArgument.one(
            "action",
            "must be freeze, unfreeze or advance",
            ONE_OF,
            allowed=["freeze", "unfreeze", "advance"],
        )
    return back()


@bp.post("/publish")
def publish() -> Response:
    """Publish (`published=true`) or unpublish (`false`) a site."""
    site_id = required("siteId")
    value = required("published")
    if value not in ("true", "false"):
        raise InvalidArgument.one("published", "must be true or false", ONE_OF)
    current_fake().site.set_published(site_id, value == "true")
    return back()


@bp.post("/upload")
def upload() -> Response:
    """Upload `file` to the site's Media Manager; with `galleryId`, also add it
    to that gallery as a new image item (an ordinary createGalleryItem: it
    gets the default sortOrder and publishes the created event)."""
    fake = current_fake()
    site_id = required("siteId")
    gallery_id = request.form.get("galleryId", "").strip()
    if gallery_id:
        guid("galleryId", gallery_id)
        fake.store.get_gallery(site_id, gallery_id)  # 404 before anything changes
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidArgument.one(
            "file", "is required: choose an image", REQUIRED_FIELD
        )
    media = fake.site.upload_media(site_id, upload.read(), upload.filename)
    if gallery_id:
        title = PurePosixPath(upload.filename).stem or None
        info = media.to_dict()["imageInfo"]
        from ..gallery import schemas  # marshmallow: loaded on first use

        data = schemas.load(
            schemas.CreateGalleryItemRequest(),
            {"item": {"title": title, "image": {"imageInfo": info}}},
        )
        fake.gallery.create_gallery_item(site_id, gallery_id, data)
    return back()


@bp.post("/connect")
def connect() -> Response:
    """Show backend gallery `galleryId` in widget `widgetId` from code, or its
    own gallery again when `galleryId` is empty (POST /_fake/live/widgets/…)."""
    site_id = required("siteId")
    widget_id = guid("widgetId", required("widgetId"))
    gallery_id = request.form.get("galleryId", "").strip() or None
    if gallery_id:
        guid("galleryId", gallery_id)
    current_fake().site.connect(site_id, widget_id, gallery_id)
    return back()
