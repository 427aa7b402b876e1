"""Fault rules and the rate limit, applied to one API call before its handler
runs (docs/journal-and-faults.md): a call a fault answers never reaches the
store. What was applied goes to the journal through the environ."""

from __future__ import annotations

import time
from typing import Any

import orjson
from flask import Response, request

from ..errors import InjectedFault, TooManyRequests
from ..fake import FakeGallery
from ..state.faults import Call, FaultRule
from ..state.ratelimit import bucket_key
from ..web.capture import ERROR_CODE, FAULT
from ..web.connection import CONNECTION
from .operations import Operation

#: The Retry-After of a 429 preset when the rule sets none (seconds).
DEFAULT_RETRY_AFTER = "1"


def apply_faults(
    fake: FakeGallery,
    op: Operation,
    site_id: str | None,
    prefix: str | None,
) -> Response | None:
    """Run the matching rules: wait their delays, then answer for the first
    one with an answer or a connection fault. None: serve the call (a `truncate`
    alone lets it run and cuts its answer)."""
    decision = fake.faults.decide(
        Call(op.id, request.method, request.path, prefix, site_id)
    )
    if decision is None:
        return None
    environ = request.environ
    environ[FAULT] = decision.record()
    if decision.delay_ms:
        time.sleep(decision.delay_ms / 1000)  # real time: a client timeout fires
    rule = decision.answer
    if rule is None:
        return None
    connection = rule.action.get("connection")
    if connection is not None:
        environ[CONNECTION] = connection
    if "status" in rule.action:
        return fault_response(rule)
    if connection in ("reset", "empty"):
        return Response(b"", status=200)  # never sent: the connection drops
    return None


def fault_response(rule: FaultRule) -> Response:
    """The rule's answer: its own body, or the Wix-shaped preset of its status."""
    action = rule.action
    status: int = action["status"]
    body: Any
    if "body" in action:
        body = action["body"]
        code = action.get("code") or _code_of(body)
    else:
        message = action.get("message") or (
            f"fault injected by fakegallery (rule {rule.id})"
        )
        error = InjectedFault(status, message, action.get("code"), {"faultId": rule.id})
        body, code = error.to_body(), error.code
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    if status == 429:
        response.headers["Retry-After"] = DEFAULT_RETRY_AFTER
    for name, value in action.get("headers", {}).items():
        response.headers[name] = value
    fault = request.environ.get(FAULT)
    if isinstance(fault, dict):
        fault["code"] = code
    if status >= 400 and code:
        request.environ[ERROR_CODE] = code
    return response


def _code_of(body: Any) -> str | None:
    """The Wix error code of a custom body, if it has one."""
    if not isinstance(body, dict):
        return None
    details = body.get("details")
    if not isinstance(details, dict):
        return None
    if "validationError" in details:
        return "INVALID_ARGUMENT"
    error = details.get("applicationError")
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def check_rate(fake: FakeGallery, site_id: str, api_key: str | None) -> None:
    """RATE_LIMIT: 429 TOO_MANY_REQUESTS with Retry-After once the caller's
    bucket is empty."""
    key = bucket_key(fake.settings.rate_limit_by, site_id, api_key)
    wait = fake.rate_limit.take(key)
    if wait is None:
        return
    request.environ[FAULT] = {
        "rules": ["RATE_LIMIT"],
        "delayMs": 0,
        "status": 429,
        "code": TooManyRequests.code,
        "retryAfter": wait,
    }
    count, period = fake.settings.rate_limit or (0, 0.0)
    raise TooManyRequests(
        f"rate limit of {count} calls per {period:g} s reached (RATE_LIMIT); "
        f"retry after {wait} s",
        {"retryAfter": wait},
    )
