"""GET /_fake/openapi.json: the OpenAPI document of this app (its settings
shape the bounds), built on first request and kept."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from ..fake import current_fake
from ..gallery.routes import PREFIXES
from ..web.request import ok

bp = Blueprint("openapi", __name__, url_prefix="/_fake")

#: Where the description is served (outside every API prefix).
PATH = "/_fake/openapi.json"


@bp.get("/openapi.json")
def openapi_json() -> Response:
    cache = current_app.extensions.setdefault("fakegallery.openapi", {})
    if "doc" not in cache:
        from .document import build  # the schemas and marshmallow: on first use

        cache["doc"] = build(current_fake().settings, PREFIXES)
    return ok(cache["doc"])
