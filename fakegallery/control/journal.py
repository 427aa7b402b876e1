"""The request journal and the fault rules over HTTP (docs/journal-and-faults.md):
``/_fake/requests`` and ``/_fake/faults``. Like every control route they need
no Authorization, name the field of a bad value in a Wix-shaped 400, and change
nothing when they refuse."""

from __future__ import annotations

import difflib
import re

from flask import Blueprint, Response, request

from ..errors import FORMAT, INVALID_ARGUMENT, MAX, FaultNotFound, InvalidArgument
from ..fake import current_fake
from ..gallery.operations import BY_ID
from ..state.journal import Query
from ..web.request import int_arg, json_body, ok

bp = Blueprint("journal", __name__, url_prefix="/_fake")

FILTERS = (
    "siteId",
    "operation",
    "method",
    "path",
    "status",
    "since",
    "before",
    "limit",
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
_STATUS = r"([1-5])([0-9][0-9]|xx)"  # compiled on first use
OPERATION_IDS = tuple(BY_ID)


def _check_keys(known: tuple[str, ...]) -> None:
    """A misspelt filter would silently list everything: refuse it."""
    for key in request.args:
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            tip = f"; did you mean {hint[0]}?" if hint else ""
            raise InvalidArgument.one(
                key,
                f"is not a filter (use {', '.join(known)}){tip}",
                INVALID_ARGUMENT,
            )


def _arg(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    return value or None


def _query() -> Query:
    _check_keys(FILTERS)
    operation = _arg("operation")
    if operation is not None and operation not in OPERATION_IDS:
        raise InvalidArgument.one(
            "operation",
            f"must be an operation id: {', '.join(OPERATION_IDS)}",
            FORMAT,
            type="operationId",
            values=list(OPERATION_IDS),
        )
    method = _arg("method")
    if method is not None and not method.isalpha():
        raise InvalidArgument.one("method", "must be an HTTP method", FORMAT)
    path = _arg("path")
    if path is not None and (not path.startswith("/") or len(path) > 1000):
        raise InvalidArgument.one(
            "path", "must be a path pattern starting with /", FORMAT
        )
    status = _arg("status")
    exact = status_class = None
    if status is not None:
        match = re.fullmatch(_STATUS, status.lower())
        if match is None:
            raise InvalidArgument.one(
                "status", "must be a status such as 404, or a class such as 4xx", FORMAT
            )
        if match.group(2) == "xx":
            status_class = int(match.group(1))
        else:
            exact = int(status)
    since = int_arg("since", -1, 0)
    before = int_arg("before", -1, 1)
    return Query(
        site_id=_arg("siteId"),
        operation=operation,
        method=method.upper() if method else None,
        path=path,
        status=exact,
        status_class=status_class,
        since=since if since >= 0 else None,
        before=before if before >= 1 else None,
    )


@bp.get("/requests")
def list_requests() -> Response:
    """Journal entries, oldest first: with `since`, the first `limit` after
    that sequence number; without, the latest `limit` (before `before`, when
    given: the dashboard pages back in time that way). `total` counts every
    entry the filters match; `dropped` the entries the full buffer lost (of
    `siteId` when given)."""
    query = _query()
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    journal = current_fake().journal
    found = journal.select(query)
    page = found[:limit] if query.since is not None else found[-limit:]
    return ok(
        {
            "requests": [e.to_record() for e in page],
            "dropped": journal.dropped_for(query.site_id),
            "total": len(found),
            "enabled": journal.enabled,
        }
    )


@bp.delete("/requests")
def clear_requests() -> Response:
    """Forget the journal's entries (`?siteId=`: one site's). Not counted as
    dropped."""
    _check_keys(("siteId",))
    return ok({"deleted": current_fake().journal.clear(_arg("siteId"))})


@bp.post("/faults")
def add_fault() -> Response:
    """Add a fault rule; answers it with its id and counters."""
    from .fault_rules import parse_rule  # the schemas: on first use

    spec = parse_rule(json_body())
    try:
        rule = current_fake().faults.add(spec)
    except OverflowError as exc:
        raise InvalidArgument.one("", str(exc), MAX) from None
    return ok(rule.to_record())


@bp.get("/faults")
def list_faults() -> Response:
    """The rules in the order they are checked (`?siteId=`: bound to it)."""
    _check_keys(("siteId",))
    rules = current_fake().faults.list(_arg("siteId"))
    return ok({"faults": [r.to_record() for r in rules]})


@bp.get("/faults/<rule_id>")
def get_fault(rule_id: str) -> Response:
    rule = current_fake().faults.get(rule_id)
    if rule is None:
        raise FaultNotFound(rule_id)
    return ok(rule.to_record())


@bp.delete("/faults/<rule_id>")
def delete_fault(rule_id: str) -> Response:
    if not current_fake().faults.remove(rule_id):
        raise FaultNotFound(rule_id)
    return ok({})


@bp.delete("/faults")
def clear_faults() -> Response:
    """Remove every rule (`?siteId=`: the rules bound to that site)."""
    _check_keys(("siteId",))
    return ok({"deleted": current_fake().faults.clear(_arg("siteId"))})
