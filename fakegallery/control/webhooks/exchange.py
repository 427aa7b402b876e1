"""Webhook subscriptions in the export document (docs/persistence.md): the
`webhooks` part, `{"subscriptions": [{id, url, events, siteId, createdAt}],
"counter": n}`, checked whole before an import applies it."""

from __future__ import annotations

import re
from typing import Any

from ...errors import (
    DUPLICATE,
    FORMAT,
    MAX_SIZE,
    MIN,
    UNKNOWN_FIELD,
    FieldViolation,
    InvalidArgument,
)
from ...state.clock import parse_time
from .subscriptions import (
    MAX_SITE_ID_LENGTH,
    MAX_SUBSCRIPTIONS,
    check_events,
    check_url,
)

Json = dict[str, Any]

_ID = re.compile(r"webhook-([1-9][0-9]{0,8})")
_KEYS = ("id", "url", "events", "siteId", "createdAt")


def check_part(value: Any, path: str) -> Json:
    """The part as `Subscriptions.restore` takes it; InvalidArgument lists
    what is wrong, each with its path in the document."""
    found: list[FieldViolation] = []

    def bad(where: str, text: str, rule: str = FORMAT, **data: Any) -> None:
        found.append(FieldViolation(where, text, rule, data))

    if not isinstance(value, dict):
        raise InvalidArgument.one(path, "must be an object", FORMAT, type="object")
    for key in value:
        if key not in ("subscriptions", "counter"):
            bad(f"{path}.{key}", "is not a key of webhooks", UNKNOWN_FIELD)
    subs = value.get("subscriptions", [])
    if not isinstance(subs, list) or len(subs) > MAX_SUBSCRIPTIONS:
        text = f"must be a list of at most {MAX_SUBSCRIPTIONS} subscriptions"
        raise InvalidArgument(
            [*found, FieldViolation(f"{path}.subscriptions", text, MAX_SIZE)]
        )
    checked: list[Json] = []
    seen: dict[str, str] = {}
    highest = 0
    for index, sub in enumerate(subs):
        where = f"{path}.subscriptions[{index}]"
        if not isinstance(sub, dict):
            bad(where, "must be an object", type="object")
            continue
        for key in sub:
            if key not in _KEYS:
                bad(f"{where}.{key}", "is not a key of a subscription", UNKNOWN_FIELD)
        match = (
            _ID.fullmatch(sub.get("id") or "")
            if isinstance(sub.get("id"), str)
            else None
        )
        if match is None:
            bad(f"{where}.id", "must be webhook-<number>")
            continue
        first = seen.setdefault(sub["id"], where)
        if first != where:
            bad(f"{where}.id", f"is also the id of {first}", DUPLICATE)
        highest = max(highest, int(match.group(1)))
        try:
            url = check_url(sub.get("url"), f"{where}.url")
            events = check_events(sub.get("events"), f"{where}.events")
        except InvalidArgument as exc:
            found.extend(exc.violations)
            continue
        site_id = sub.get("siteId")
        if site_id is not None and (
            not isinstance(site_id, str)
            or not site_id.strip()
            or len(site_id) > MAX_SITE_ID_LENGTH
        ):
            bad(f"{where}.siteId", "must be a non-empty site id or null")
        created = sub.get("createdAt")
        try:
            parse_time(created if isinstance(created, str) else "")
        except ValueError:
            bad(f"{where}.createdAt", "must be an RFC3339 date-time", type="date-time")
        checked.append(
            {
                "id": sub["id"],
                "url": url,
                "events": list(events) if events is not None else None,
                "siteId": site_id,
                "createdAt": created,
            }
        )
    counter = value.get("counter", highest)
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < highest:
        bad(
            f"{path}.counter",
            f"must be an integer of at least {highest}",
            MIN,
            min=highest,
        )
    if found:
        raise InvalidArgument(found)
    return {"subscriptions": checked, "counter": counter}
