"""The webhook control plane under /_fake/webhooks (docs/webhooks.md), and the
hook that makes sync delivery happen before an API call answers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request

from ...errors import FORMAT, ONE_OF, UNKNOWN_FIELD, InvalidArgument
from ...fake import current_fake
from ...state.events import EVENT_TYPES
from ...web.request import int_arg, json_body, ok
from .delivery import MODES
from .entries import STATES, Delivery
from .subscriptions import check_request

bp = Blueprint("webhooks", __name__, url_prefix="/_fake/webhooks")

#: The most deliveries one listing answers (`?limit=`, newest kept).
MAX_LISTED = 10_000


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_deliver_sync)


def _deliver_sync(response: Response) -> Response:
    """Sync mode: the webhooks of this request's events go out now, after the
    operation released the fake's lock and before the answer is sent."""
    fake = current_fake()
    try:
        fake.webhooks.dispatcher.deliver_now()
    except Exception as exc:  # never fail the API call for a webhook
        fake.errors.record(exc)
    return response


# --- subscriptions ------------------------------------------------------------------


@bp.get("")
def list_webhooks() -> Response:
    """Subscriptions, oldest first; `?siteId=` keeps those that get that
    site's events."""
    site_id = request.args.get("siteId") or None
    subs = current_fake().webhooks.subscriptions.list(site_id)
    return ok({"webhooks": [s.to_dict() for s in subs]})


@bp.post("")
def subscribe() -> Response:
    """`{url, events?, siteId?}` → the subscription."""
    url, events, site_id = check_request(json_body())
    sub = current_fake().webhooks.subscriptions.add(url, events, site_id)
    return ok(sub.to_dict())


@bp.delete("/<webhook_id>")
def unsubscribe(webhook_id: str) -> Response:
    """Stop sending to a subscription; its logged deliveries stay."""
    current_fake().webhooks.subscriptions.remove(webhook_id)
    return ok({})


@bp.get("/public-key")
def public_key() -> Response:
    """`{appId, publicKey (PEM), publicKeyBase64}` for the receiver."""
    return ok(current_fake().webhooks.public_key())


# --- delivery -------------------------------------------------------------------------


def _one_of(name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        raise InvalidArgument.one(
            name,
            f"must be one of {', '.join(allowed)}",
            ONE_OF,
            allowed=list(allowed),
        )
    return value


@bp.get("/deliveries")
def deliveries() -> Response:
    """The delivery log, oldest first, filtered by `siteId`, `eventType`,
    `state` and `webhookId`; `limit` keeps the newest N. `counts` covers the
    whole log, dropped entries included."""
    site_id = request.args.get("siteId") or None
    webhook_id = request.args.get("webhookId") or None
    event_type = _one_of("eventType", EVENT_TYPES)
    state = _one_of("state", STATES)
    limit = int_arg("limit", MAX_LISTED, 0, MAX_LISTED)

    def wanted(d: Delivery) -> bool:
        return (
            site_id in (None, d.site_id)
            and webhook_id in (None, d.webhook_id)
            and event_type in (None, d.event_type)
            and state in (None, d.state)
        )

    log = current_fake().webhooks.log
    return ok({"deliveries": log.select(wanted, limit), "counts": log.counts()})


@bp.get("/deliveries/<delivery_id>")
def delivery(delivery_id: str) -> Response:
    return ok(current_fake().webhooks.log.get(delivery_id).to_dict())


@bp.post("/deliveries/<delivery_id>/redeliver")
def redeliver(delivery_id: str) -> Response:
    """Send a logged delivery again, as a new delivery (answered before it is
    attempted; in sync mode it is attempted before the answer is sent)."""
    added = current_fake().webhooks.redeliver(delivery_id)
    return ok(added.to_dict())


@bp.post("/flush")
def flush() -> Response:
    """Attempt every pending delivery now, in this request, ignoring backoff
    and the mode; answers what happened and the log's counts."""
    webhooks = current_fake().webhooks
    result: dict[str, Any] = webhooks.dispatcher.flush()
    result["counts"] = webhooks.log.counts()
    return ok(result)


@bp.get("/mode")
def get_mode() -> Response:
    return ok({"mode": current_fake().webhooks.dispatcher.mode})


@bp.post("/mode")
def set_mode() -> Response:
    """`{"mode": "sync" | "async" | "paused"}` (a reset restores the setting)."""
    data = json_body()
    if not isinstance(data, dict):
        raise InvalidArgument.one("body", "must be a JSON object", FORMAT)
    for key in data:
        if key != "mode":
            raise InvalidArgument.one(key, "is not a field; use mode", UNKNOWN_FIELD)
    mode = data.get("mode")
    if mode not in MODES:
        raise InvalidArgument.one(
            "mode", f"must be one of {', '.join(MODES)}", ONE_OF, allowed=list(MODES)
        )
    dispatcher = current_fake().webhooks.dispatcher
    dispatcher.set_mode(mode)
    return ok({"mode": dispatcher.mode})
