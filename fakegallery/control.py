"""The control plane under /_fake/: test hooks that are not part of the Wix API
and never sit under an API prefix (health, reset, state, events, clock)."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, request

from . import service as svc
from .api import ok
from .clock import format_precise, parse_time
from .errors import FORMAT, InvalidArgument
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
        with fake.store.lock:
            fake.store.drop_site(site_id)
            fake.live.drop_site(site_id)
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


def _clock_body() -> dict[str, Any]:
    clock = current_fake().clock
    now = format_precise(clock.now())
    return {"now": now, "frozen": clock.frozen}


@bp.get("/clock")
def clock_state() -> Response:
    """The fake's time: `{now, frozen}`. The clock is per app (every site)."""
    return ok(_clock_body())


def _bad(field: str, text: str, kind: str) -> InvalidArgument:
    return InvalidArgument.one(field, text, FORMAT, type=kind)


@bp.post("/clock")
def clock_control() -> Response:
    """Control time, in this order: `{"unfreeze": true}`, `{"freeze": true |
    "RFC3339"}`, `{"advance": seconds}` (advancing a running clock freezes it
    first). Dates and default sortOrders follow (spec §6.1)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise _bad("", "must be a JSON object", "object")
    clock = current_fake().clock
    freeze, advance = data.get("freeze"), data.get("advance")
    at = None
    bad_freeze = _bad("freeze", "must be true or an RFC3339 date-time", "date-time")
    if isinstance(freeze, str):
        try:
            at = parse_time(freeze)
        except ValueError:
            raise bad_freeze from None
    elif freeze not in (None, True, False):
        raise bad_freeze
    if advance is not None and (
        isinstance(advance, bool)
        or not isinstance(advance, int | float)
        or not math.isfinite(advance)
    ):
        raise _bad("advance", "must be a finite number of seconds", "number")
    if data.get("unfreeze") is True:
        clock.unfreeze()
    if freeze is True or at is not None:
        clock.freeze(at)
    if advance is not None:
        clock.advance(float(advance))
    return ok(_clock_body())
