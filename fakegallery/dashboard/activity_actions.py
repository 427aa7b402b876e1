"""The Activity page's controls (docs/dashboard.md#controls): add a fault rule,
remove one or all, clear the request journal. HTML form POSTs on the controls'
blueprint (actions.py), so the same Origin check runs first; each does what
the matching /_fake/ JSON route does and sends the browser back (303)."""

from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.wrappers import Response

from ..errors import FORMAT, MAX, ONE_OF, FaultNotFound, InvalidArgument
from ..fake import current_fake
from ..state.faults import CONNECTION_FAULTS
from .actions import back, bp, required

#: What the form's "kind" makes the rule do.
KINDS = ("status", "connection", "delay")


def _text(name: str) -> str | None:
    return request.form.get(name, "").strip() or None


def _whole(name: str) -> int | None:
    text = _text(name)
    if text is None:
        return None
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 12:
        raise InvalidArgument.one(
            name, "must be a whole number", FORMAT, type="integer"
        )
    return int(text)


def _number(name: str) -> float | None:
    text = _text(name)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidArgument.one(name, "must be a number", FORMAT) from None
    return value


def fault_spec() -> dict[str, Any]:
    """The rule the form describes, in the POST /_fake/faults format (checked
    by the same parser afterwards, which names any bad part)."""
    kind = request.form.get("kind", "status")
    if kind not in KINDS:
        raise InvalidArgument.one(
            "kind", f"must be one of {', '.join(KINDS)}", ONE_OF, allowed=list(KINDS)
        )
    match: dict[str, Any] = {"operation": required("operation")}
    site_id = _text("siteId")
    if site_id is not None:
        match["siteId"] = site_id
    action: dict[str, Any] = {}
    if kind == "status":
        status = _whole("status")
        if status is not None and not 400 <= status <= 599:
            # A success needs a body, which the form does not take.
            raise InvalidArgument.one(
                "status",
                "must be 400–599 here (a 2xx/3xx fault needs a body: "
                "POST /_fake/faults takes one)",
                FORMAT,
            )
        action["status"] = 500 if status is None else status
        for name in ("code", "message"):
            if (value := _text(name)) is not None:
                action[name] = value
    elif kind == "connection":
        connection = request.form.get("connection", "")
        if connection not in CONNECTION_FAULTS:
            raise InvalidArgument.one(
                "connection",
                f"must be one of {', '.join(CONNECTION_FAULTS)}",
                ONE_OF,
                allowed=list(CONNECTION_FAULTS),
            )
        action["connection"] = connection
    delay = _whole("delayMs")
    if delay is not None:
        action["delayMs"] = delay
    elif kind == "delay":
        raise InvalidArgument.one("delayMs", "is required for a delay", FORMAT)
    spec: dict[str, Any] = {"match": match, "action": action}
    for name in ("times", "after"):
        if (count := _whole(name)) is not None:
            spec[name] = count
    probability = _number("probability")
    if probability is not None:
        spec["probability"] = probability
    return spec


@bp.post("/faults")
def add_fault() -> Response:
    """Add the fault rule the form describes (as POST /_fake/faults)."""
    # The rule's schema loads marshmallow: on first use, not at start-up
    # (docs/performance.md, cold start).
    from ..control.fault_rules import parse_rule

    spec = parse_rule(fault_spec())
    try:
        current_fake().faults.add(spec)
    except OverflowError as exc:
        raise InvalidArgument.one("", str(exc), MAX) from None
    return back()


@bp.post("/faults/clear")
def clear_faults() -> Response:
    """Remove the rule `ruleId`, or without it every rule (as DELETE
    /_fake/faults[/<id>])."""
    faults = current_fake().faults
    rule_id = _text("ruleId")
    if rule_id is None:
        faults.clear()
    elif not faults.remove(rule_id):
        raise FaultNotFound(rule_id)
    return back()


@bp.post("/journal/clear")
def clear_journal() -> Response:
    """Forget the journal's entries, or one site's (`siteId`), as DELETE
    /_fake/requests."""
    current_fake().journal.clear(_text("siteId"))
    return back()
