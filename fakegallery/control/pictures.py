"""Generated pictures for media the fake holds no file for (docs/dashboard.md,
"Pictures"): `GET /_fake/placeholder/<width>x<height>/<media id>` answers an
SVG landscape in that size, the same for the same id. The dashboard uses it for
fixture, test and captured media ids; an app under development can use it as an
offline stand-in for `https://static.wixstatic.com/media/<id>`."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import FORMAT, MAX, MIN, ONE_OF, InvalidArgument
from ..seeding.pictures import MAX_SIDE, landscape_svg

bp = Blueprint("pictures", __name__, url_prefix="/_fake")

#: Media ids are short (`<6 hex>_<32 hex>~mv2.jpeg`); anything longer is refused.
MAX_ID_LENGTH = 300
KINDS = ("image", "video")
#: An SVG is a document: nothing in it may run or load, even when opened directly.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _side(name: str, value: int) -> int:
    if value < 1:
        raise InvalidArgument.one(name, "must be at least 1", MIN, min=1)
    if value > MAX_SIDE:
        raise InvalidArgument.one(
            name, f"must be at most {MAX_SIDE}", MAX, max=MAX_SIDE
        )
    return value


@bp.get("/placeholder/<int:width>x<int:height>/<path:media_id>")
def placeholder(width: int, height: int, media_id: str) -> Response:
    """An SVG picture `width` × `height` for `media_id`; `?kind=video` adds a
    play button."""
    _side("width", width)
    _side("height", height)
    if len(media_id) > MAX_ID_LENGTH:
        raise InvalidArgument.one(
            "mediaId", f"must be at most {MAX_ID_LENGTH} characters", FORMAT
        )
    kind = request.args.get("kind", "image")
    if kind not in KINDS:
        raise InvalidArgument.one(
            "kind", f"must be one of {', '.join(KINDS)}", ONE_OF, allowed=list(KINDS)
        )
    return Response(
        landscape_svg(media_id, width, height, kind),
        status=200,
        mimetype="image/svg+xml",
        headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "Content-Security-Policy": SVG_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )
