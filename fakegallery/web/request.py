"""Reading a request: JSON bodies through a schema, bounded integers and GUIDs
from the query or path, the addressed site of a control-plane call, and the
one way a JSON success is answered. Every failure is a Wix-shaped 400 naming
the field and the rule (docs/behaviour.md §7.4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson
from flask import Response, request

from ..errors import FORMAT, MAX, MIN, REQUIRED_FIELD, FieldViolation, InvalidArgument
from ..fake import current_fake
from ..gallery.loose import load_relaxed
from ..state.clock import GUID_RE
from .limits import check_items, check_strings

if TYPE_CHECKING:
    from marshmallow import Schema

#: Loose mode's record of the rules it relaxed in one request; None is strict.
Relaxed = list[FieldViolation] | None


def ok(body: Any) -> Response:
    """docs/behaviour.md §2.1: every success is HTTP 200 with a JSON object."""
    return Response(orjson.dumps(body), status=200, mimetype="application/json")


_DECIMAL = re.compile(r"[+-]?[0-9]+")


def _refuse(error: InvalidArgument, relaxed: Relaxed) -> None:
    """Raise `error` in strict mode; in loose mode note the rule instead."""
    if relaxed is None:
        raise error
    relaxed.extend(error.violations)


def int_arg(
    name: str,
    default: int,
    low: int,
    high: int | None = None,
    relaxed: Relaxed = None,
) -> int:
    """A numeric query parameter; non-numeric or out of range → 400. Loose
    mode takes the default for a non-number, the minimum for a value below
    it, and a value above the maximum as it is."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        # int() alone also takes "1_0" and non-ASCII digits ("٣", "１"); and
        # refuses over 4300 digits (ValueError).
        value = int(raw) if _DECIMAL.fullmatch(raw) else None
    except ValueError:
        value = None
    if value is None:
        error = InvalidArgument.one(
            name, f"must be an integer, got {raw!r}", FORMAT, type="int32"
        )
        _refuse(error, relaxed)
        return default
    if value < low:
        _refuse(
            InvalidArgument.one(name, f"must be at least {low}", MIN, min=low), relaxed
        )
        return low
    if high is not None and value > high:
        _refuse(
            InvalidArgument.one(name, f"must be at most {high}", MAX, max=high), relaxed
        )
    return value


def guid(name: str, value: str, relaxed: Relaxed = None) -> str:
    """Path ids are GUIDs (docs/behaviour.md §7.4). Loose mode takes any id
    (an unknown one is then a 404)."""
    if not GUID_RE.fullmatch(value):  # `$` alone lets a final \n through
        _refuse(
            InvalidArgument.one(name, "must be a GUID", FORMAT, type="GUID"), relaxed
        )
    return value


def guid_list(name: str, relaxed: Relaxed = None) -> list[str]:
    """A repeated query key of GUIDs; commas also separate them. An empty
    entry (``?itemsIds=``, ``a,,b``) is no GUID either: a 400, as the
    OpenAPI document's pattern says, not silently dropped."""
    ids = [
        part.strip()
        for value in request.args.getlist(name)
        for part in value.split(",")
    ]
    for index, item_id in enumerate(ids):
        guid(f"{name}[{index}]", item_id, relaxed)
    return ids


def json_body() -> Any:
    """The raw JSON body ({} when empty); 400 when it is not JSON or holds a
    string longer than MAX_STRING_LENGTH (413 past MAX_REQUEST_BYTES)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidArgument.one(
            "body", f"is not valid JSON ({exc})", FORMAT, type="JSON"
        ) from None
    check_strings(data, current_fake().settings.max_string_length, raw)
    return data


def body(schema: Schema, relaxed: Relaxed = None) -> dict[str, Any]:
    """The JSON body, validated. Path parameters repeated in it are accepted and
    ignored: the path wins (docs/behaviour.md §2.7). `relaxed`: loose mode."""
    data = json_body()
    if not isinstance(data, dict):
        raise InvalidArgument.one(
            "body", "must be a JSON object", FORMAT, type="object"
        )
    check_items(data, current_fake().settings.max_items_per_request)
    return load_relaxed(schema, data, relaxed)


def control_site(default_site_id: str | None) -> str:
    """The site a /_fake/ call addresses: the `wix-site-id` header, then
    `?siteId=`, then the default site."""
    site = (
        request.headers.get("wix-site-id", "").strip()
        or request.args.get("siteId", "").strip()
        or default_site_id
    )
    if not site:
        raise InvalidArgument.one(
            "siteId",
            "is required: send a wix-site-id header or ?siteId= "
            "(DEFAULT_SITE_ID is off)",
            REQUIRED_FIELD,
        )
    return site
