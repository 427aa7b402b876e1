"""Export and import under /_fake/ (docs/persistence.md#export-and-import):
the whole fake as one document, and one site's state written back.

- ``GET /_fake/export[?media=true][&siteId=S...]``: the export document.
- ``POST /_fake/import[?mode=all|sites]``: checked whole, then applied.
- ``PUT /_fake/state[?siteId=S]``: the counterpart of ``GET /_fake/state``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..errors import FORMAT, REQUIRED_FIELD, InvalidArgument
from ..fake import current_fake
from ..transfer import document
from ..web.request import json_body, ok

bp = Blueprint("transfer", __name__, url_prefix="/_fake")

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no", "")


def _flag(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise InvalidArgument.one(name, "must be true or false", FORMAT, type="boolean")


def _site_ids() -> list[str] | None:
    given = [
        part.strip()
        for value in request.args.getlist("siteId")
        for part in value.split(",")
        if part.strip()
    ]
    return given or None


@bp.get("/export")
def export() -> Response:
    """Everything (or the sites named by `siteId`, repeatable) as one versioned
    document; media files only with `?media=true`."""
    body = document.export(current_fake(), media=_flag("media"), site_ids=_site_ids())
    return Response(body, status=200, mimetype="application/json")


@bp.post("/import")
def import_document() -> Response:
    """Check the whole document, then replace everything (`mode=all`, the
    default) or only the sites it contains (`mode=sites`)."""
    from ..transfer import checks, importing  # the schemas: on first use

    fake = current_fake()
    mode = request.args.get("mode", "all").strip() or "all"
    checked = checks.check_document(fake, json_body(), mode)
    return ok(importing.apply(fake, checked))


@bp.put("/state")
def put_state() -> Response:
    """Replace one site's galleries and items with a body in the shape
    `GET /_fake/state` answers (a fixture). Live-site keys (`published`,
    `media`, `pages`) replace those parts when present and leave them alone
    when absent. Answers the site's new state."""
    from ..transfer import checks, importing  # the schemas: on first use

    fake = current_fake()
    data = json_body()
    problems = checks.Problems()
    site_id = request.args.get("siteId", "").strip()
    if not site_id and isinstance(data, dict) and isinstance(data.get("siteId"), str):
        site_id = data["siteId"].strip()
    site_id = site_id or fake.settings.default_site_id or ""
    if not site_id:
        problems.add(
            "siteId", "is required: ?siteId= or a siteId in the body", REQUIRED_FIELD
        )
    checked = checks.check_site(fake, data, "", problems)
    problems.raise_any()
    assert checked is not None
    importing.replace_site(fake, site_id, checked, exact=True, keep_absent=True)
    state = fake.gallery.site_state_json(site_id)  # the stored bytes, no parse
    return Response(state, status=200, mimetype="application/json")
