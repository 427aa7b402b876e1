"""`POST /_fake/fixtures`: load fixture documents into a site over HTTP, as
`fakegallery serve --fixtures` and the test handle's `load()` do in-process
(docs/control-plane.md). This is what the pytest plugin's external-server mode
(`--fakegallery-url`) uses for the marker's `fixtures`."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import FORMAT, InvalidArgument
from ..fake import current_fake
from ..seeding.fixtures import FixtureError, load_documents
from ..web.request import json_body, ok

bp = Blueprint("fixtures", __name__, url_prefix="/_fake")


@bp.post("/fixtures")
def load_fixtures() -> Response:
    """The body is one fixture document or a list of them; they go into
    `?siteId=` (or the `wix-site-id` header), else each document's own siteId,
    else the default site. Every document is checked before any is stored:
    a 400 names the document and the field, and changes nothing."""
    data = json_body()
    documents = data if isinstance(data, list) else [data]
    sources = [
        f"body[{n}]" if isinstance(data, list) else "body"
        for n in range(len(documents))
    ]
    site_id = (
        request.headers.get("wix-site-id", "").strip()
        or request.args.get("siteId", "").strip()
        or None
    )
    try:
        sites = load_documents(
            current_fake(), zip(sources, documents, strict=True), site_id
        )
    except FixtureError as exc:
        raise InvalidArgument.one("body", str(exc), FORMAT) from None
    return ok({"siteIds": sorted(set(sites))})
