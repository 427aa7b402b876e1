"""The control plane's JSON routes (docs/control-plane.md). They need no
Authorization and never sit under an API prefix. Like the API, a rejected call
changes nothing."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, Response, request

from ..errors import FORMAT, InvalidArgument
from ..fake import current_fake
from ..gallery.operations import OPERATIONS, describe
from ..state.clock import format_precise, parse_time
from ..web.request import int_arg, json_body, ok

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
        fake.drop_site(site_id)
    else:
        fake.reset()
    return ok({})


@bp.get("/sites")
def sites() -> Response:
    """Every site that holds something: galleries, widgets, media, or an
    unpublished flag. A site whose last gallery is deleted drops out."""
    return ok({"siteIds": current_fake().site_ids()})


@bp.get("/state")
def state() -> Response:
    """One site's galleries and items in wire shape (`?siteId=`, default site)."""
    fake = current_fake()
    site_id = request.args.get("siteId") or fake.settings.default_site_id or ""
    state = fake.gallery.site_state_json(site_id)
    return Response(state, status=200, mimetype="application/json")


@bp.get("/events")
def events() -> Response:
    """Recorded domain events, oldest first (`?siteId=` narrows to one site,
    `?limit=N` keeps the newest N); `total` counts them before `limit`."""
    fake = current_fake()
    most = fake.events.max_events
    limit = int_arg("limit", most, 1, most)
    listed = fake.events.list(request.args.get("siteId"))
    return ok(
        {
            "events": [e.to_record() for e in listed[-limit:]],
            "dropped": fake.events.dropped,
            "total": len(listed),
        }
    )


@bp.get("/operations")
def operations() -> Response:
    """The operations table: id, method, path, permission and every error."""
    return ok({"operations": [describe(op) for op in OPERATIONS]})


def _clock_body() -> dict[str, Any]:
    clock = current_fake().clock
    return {"now": format_precise(clock.now()), "frozen": clock.frozen}


@bp.get("/clock")
def clock_state() -> Response:
    """The fake's time: `{now, frozen}`. The clock is per app (every site)."""
    return ok(_clock_body())


def _bad(field: str, text: str, kind: str) -> InvalidArgument:
    return InvalidArgument.one(field, text, FORMAT, type=kind)


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad("advance", "must be a finite number of seconds", "number")
    try:
        seconds = float(value)
    except OverflowError:
        seconds = math.inf
    if not math.isfinite(seconds):
        raise _bad("advance", "must be a finite number of seconds", "number")
    return seconds


@bp.post("/clock")
def clock_control() -> Response:
    """Control time, in this order: `{"unfreeze": true}`, `{"freeze": true |
    "RFC3339"}`, `{"advance": seconds}` (advancing a running clock freezes it
    first). Dates and default sortOrders follow (docs/behaviour.md §6.1). The
    whole call is checked before the clock changes."""
    data = json_body()
    if not isinstance(data, dict):
        raise _bad("", "must be a JSON object", "object")
    clock = current_fake().clock
    freeze = data.get("freeze")
    at: datetime | None = None
    if isinstance(freeze, str):
        try:
            at = parse_time(freeze)
        except ValueError as exc:
            raise _bad(
                "freeze", f"must be true or an RFC3339 date-time: {exc}", "date-time"
            ) from None
    elif freeze not in (None, True, False):
        raise _bad("freeze", "must be true or an RFC3339 date-time", "date-time")
    seconds = _seconds(data.get("advance"))
    # Plan the final state, then apply it in one step.
    frozen: datetime | None = clock.now() if clock.frozen else None
    if data.get("unfreeze") is True:
        frozen = None
    if freeze is True or at is not None:
        frozen = at or clock.now()
    if seconds is not None:
        try:
            frozen = (frozen or clock.now()) + timedelta(seconds=seconds)
        except OverflowError:
            raise _bad(
                "advance", "moves the clock outside the years 1–9999", "number"
            ) from None
    if frozen is None:
        clock.unfreeze()
    else:
        clock.freeze(frozen)
    return ok(_clock_body())
