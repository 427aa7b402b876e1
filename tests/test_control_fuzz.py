"""A fuzzer over every JSON route of the control plane (`/_fake/…`, issue 14):
random query strings, random JSON bodies built from the routes' own field names,
and bytes that are not JSON. Whatever arrives, the answer is never a 5xx, an
error is always Wix-shaped JSON, and a refused write leaves every piece of state
as it was. The API's own routes are fuzzed by schemathesis (test_schemathesis.py)
from the OpenAPI document; the control plane has no such document, so the routes
are taken from the app's URL map, which also makes a new route fuzzed at once.

Hypothesis runs derandomized: the same examples on every run. Marked slow
(about a minute for the 25 examples of each of ~40 routes).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakegallery import create_app, get_fake

SITE = "b1a2c3d4-0000-4000-8000-00000000f022"
#: The dashboard (HTML, its own area) and binary answers are not JSON routes.
NOT_JSON = ("/_fake/ui/", "/_fake/placeholder/", "/_fake/media/<")
#: Components whose state a refused request may change: the request ids it
#: drew, its journal entry, the rate limiter's buckets.
BOOKKEEPING = {"ids", "journal", "errors", "rate_limit"}
#: Names the control routes read, so that random bodies reach past "unknown field".
FIELDS = [
    "advance",
    "freeze",
    "unfreeze",
    "url",
    "events",
    "siteId",
    "webhookId",
    "mode",
    "operation",
    "status",
    "code",
    "message",
    "times",
    "after",
    "probability",
    "delayMs",
    "action",
    "body",
    "headers",
    "path",
    "method",
    "kind",
    "gallery",
    "galleryId",
    "page",
    "name",
    "items",
    "sortOrder",
    "id",
    "sites",
    "state",
    "webhooks",
    "format",
    "ITEM_SORT_DESC",
    "STRICT_MEDIA",
    "MAX_ITEM_LIMIT",
    "REJECT_DUPLICATE_SORT_ORDER",
]
QUERY = [
    "siteId",
    "operation",
    "status",
    "before",
    "limit",
    "offset",
    "state",
    "eventType",
    "mode",
    "sites",
]

APP: Flask = create_app({"FIXTURES": ["basic"], "WEBHOOK_DELIVERY": "paused"})


def _dumps(value: Any) -> bytes:
    """JSON bytes; the standard library writes integers of any size."""
    return json.dumps(value).encode()


def _routes(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if not path.startswith("/_fake/") or path.startswith(NOT_JSON):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return sorted(found)


ROUTES = _routes(APP)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from([SITE, "2026-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(FIELDS) | st.text(max_size=6), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5).map(_dumps),
    json_values.map(_dumps),
    st.binary(max_size=40),
    st.just(b"[" * 3000),  # deeper than any parser should follow
)
queries = st.dictionaries(st.sampled_from(QUERY), st.text(max_size=10), max_size=3)
ids = st.one_of(st.text(min_size=1, max_size=20), st.just(SITE), st.just("webhook-1"))


def _state(app: Flask) -> dict[str, Any]:
    dumped = get_fake(app).dump()
    return {k: v for k, v in dumped.items() if k not in BOOKKEEPING}


def _is_wix_error(body: Any) -> bool:
    return (
        isinstance(body, dict)
        and isinstance(body.get("message"), str)
        and isinstance(body.get("details"), dict)
        and bool(
            body["details"].get("applicationError")
            or body["details"].get("validationError")
        )
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES]
)
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=bodies, query=queries, path_id=ids)
def test_control_route_never_5xx_and_refusals_change_nothing(
    method: str, path: str, body: bytes | None, query: dict[str, str], path_id: str
) -> None:
    segment = path_id.replace("/", "_") or "x"
    url = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", lambda _: segment, path)
    before = _state(APP)
    client = APP.test_client()
    response = client.open(
        url,
        method=method,
        query_string=query,
        data=body,
        content_type="application/json" if body is not None else None,
        headers={"wix-site-id": SITE},
    )
    assert response.status_code < 500, (url, body, response.get_data(as_text=True))
    assert not get_fake(APP).take_errors()
    if response.status_code >= 400:
        assert response.mimetype == "application/json", response.get_data()
        assert _is_wix_error(response.json), response.json
        if method != "GET":
            assert _state(APP) == before, (method, url, body)


def test_every_control_json_route_is_fuzzed() -> None:
    """The URL map yields the routes the docs list (a sample), so the fuzzer
    cannot silently lose them."""
    listed = set(ROUTES)
    for route in [
        ("POST", "/_fake/clock"),
        ("PUT", "/_fake/state"),
        ("POST", "/_fake/faults"),
        ("PATCH", "/_fake/site/settings"),
        ("POST", "/_fake/webhooks"),
        ("POST", "/_fake/import"),
        ("POST", "/_fake/editor/galleries"),
    ]:
        assert route in listed
