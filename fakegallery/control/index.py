"""The root of the fake: `GET /` and `GET /_fake/`. A browser (one that asks
for HTML first) is sent to the dashboard; any other client gets a JSON index of
the control plane's routes, so the JSON area stays JSON (docs/dashboard.md)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request
from werkzeug.wrappers import Response

from ..web.request import ok

bp = Blueprint("index", __name__)

DASHBOARD = "/_fake/ui/"


def wants_html() -> bool:
    """True when the client prefers HTML to JSON (browsers say so in Accept;
    curl's `*/*` and JSON clients do not)."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def control_routes() -> list[dict[str, object]]:
    """Every JSON route under /_fake/ (not the dashboard's pages), by path."""
    routes: dict[str, set[str]] = {}
    for rule in current_app.url_map.iter_rules():
        path = rule.rule
        if not path.startswith("/_fake/") or path.startswith(DASHBOARD):
            continue
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        routes.setdefault(path, set()).update(methods)
    return [
        {"path": path, "methods": sorted(methods)}
        for path, methods in sorted(routes.items())
    ]


@bp.get("/")
@bp.get("/_fake/")
def index() -> Response:
    if wants_html():
        response = redirect(DASHBOARD, 302)
    else:
        response = ok(
            {
                "service": "fakegallery",
                "dashboard": DASHBOARD,
                "openapi": "/_fake/openapi.json",
                "routes": control_routes(),
            }
        )
    response.headers["Vary"] = "Accept"
    return response
