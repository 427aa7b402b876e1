"""The control plane under /_fake/: test hooks that are not part of the Wix API
and never sit under an API prefix (health, reset, state, events)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from . import service as svc
from .api import ok
from .fake import current_fake

bp = Blueprint("control", __name__, url_prefix="/_fake")


@bp.get("/health")
def health() -> Response:
    """Readiness probe: 200 as soon as the server answers."""
    return ok({"status": "ok"})


@bp.post("/reset")
def reset() -> Response:
    """Forget everything (or one site with `?siteId=`)."""
    fake = current_fake()
    site_id = request.args.get("siteId")
    if site_id:
        fake.store.drop_site(site_id)
        fake.events.clear(site_id)
    else:
        fake.reset()
    return ok({})


@bp.get("/sites")
def sites() -> Response:
    return ok({"siteIds": current_fake().store.site_ids()})


@bp.get("/state")
def state() -> Response:
    """One site's galleries and items in wire shape (`?siteId=`, default site)."""
    fake = current_fake()
    site_id = request.args.get("siteId") or fake.settings.default_site_id or ""
    return ok(svc.site_state(fake, site_id))


@bp.get("/events")
def events() -> Response:
    """Recorded domain events, oldest first (`?siteId=` narrows to one site)."""
    fake = current_fake()
    listed = fake.events.list(request.args.get("siteId"))
    return ok(
        {
            "events": [
                {"eventType": e.event_type, "siteId": e.site_id, **e.to_dict()}
                for e in listed
            ],
            "dropped": fake.events.dropped,
        }
    )
