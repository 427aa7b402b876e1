"""HTTP policy per area: how each part of the URL space answers errors.

The API prefixes and the /_fake/ JSON routes form the JSON area: every answer,
errors included, is JSON, errors in the Wix shape (docs/behaviour.md §7.1). An
area that serves pages (a dashboard) registers its own renderer for its own
path prefix; nothing here rewrites another area's answers. Routing failures
(404, 405, redirects) have no blueprint yet, so the app-level handlers pick the
area by path; a 404 names the closest known route (web/nearest.py). The WSGI
guard turns a failure outside Flask (in a middleware such as the journal's
capture) into the same JSON 500; only the connection-fault layer
(web/connection.py) sits outside it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..errors import (
    FakeGalleryError,
    HttpRefusal,
    Internal,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
)
from .capture import ERROR_CODE
from .nearest import RouteHints
from .routing import RULE_CLASS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger("fakegallery")

Renderer = Callable[[FakeGalleryError], Response]


def render_json(error: FakeGalleryError) -> Response:
    """Wix-shaped JSON, never HTML."""
    response = Response(
        orjson.dumps(error.to_body()), status=error.status, mimetype="application/json"
    )
    allowed = error.data.get("allowed") if error.status == 405 else None
    if allowed is not None:
        response.headers["Allow"] = ", ".join(allowed)  # RFC 9110 §15.5.6
    location = error.data.get("location")
    if location and 300 <= error.status < 400:
        response.headers["Location"] = location
    retry_after = error.data.get("retryAfter") if error.status == 429 else None
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)  # RFC 9110 §10.2.3
    return response


class Area(NamedTuple):
    name: str
    prefix: str  # path prefix; "" matches everything
    render: Renderer


class FakeFlask(Flask):
    """Flask with the fake's policy where Flask answers by itself: the
    automatic OPTIONS answer and werkzeug's redirects are JSON too. URL
    builders compile on first use (web/routing.py)."""

    url_rule_class = RULE_CLASS

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        #: Most specific first; the JSON area catches everything else.
        self.areas: list[Area] = [Area("json", "", render_json)]

    def add_area(self, area: Area) -> None:
        self.areas.insert(0, area)

    def area(self, path: str) -> Area:
        return next(a for a in self.areas if path.startswith(a.prefix))

    def render(self, error: FakeGalleryError) -> Response:
        """`error` as the area of the current request answers it."""
        # For the request journal (web/capture.py): the code of this answer.
        request.environ[ERROR_CODE] = error.code
        return self.area(request.path).render(error)

    def make_default_options_response(self) -> Response:
        response = super().make_default_options_response()
        out = Response(b"{}", status=200, mimetype="application/json")
        out.headers["Allow"] = response.headers.get("Allow", "")
        return out

    def handle_http_exception(self, e: HTTPException) -> Any:
        if isinstance(e, RequestRedirect):
            # Flask hands routing redirects back untouched (an HTML page).
            return self.render(from_http(e, request.method, request.path))
        return super().handle_http_exception(e)


def install(
    app: FakeFlask,
    record: Callable[[BaseException], None],
    hints: RouteHints | None = None,
) -> None:
    """Register the error handlers; `record` keeps unexpected exceptions; a 404
    for an unknown route names the closest of `hints` (docs/behaviour.md §5.13)."""

    @app.errorhandler(FakeGalleryError)
    def _fake_error(error: FakeGalleryError) -> Response:
        return app.render(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        refusal = from_http(error, request.method, request.path)
        if hints is not None and type(refusal) is NotFound:
            closest = hints.closest(request.method, request.path)
            if closest is not None:
                refusal = NotFound(
                    f"{refusal.description}; the closest known route is {closest}",
                    {"closestRoute": closest},
                )
        return app.render(refusal)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # A bug in the fake: answer in the Wix shape, and keep the exception so
        # the pytest plugin can fail the test that caused it.
        log.exception("unexpected error in %s %s", request.method, request.path)
        record(error)
        return app.render(internal(error))


def internal(error: BaseException) -> Internal:
    return Internal(f"internal error in the fake: {type(error).__name__}: {error}")


class Guard:
    """The WSGI error layer: an exception that escapes everything inside (a
    middleware's bug, a broken wire-log file) is still a JSON 500."""

    def __init__(
        self, app: WSGIApplication, record: Callable[[BaseException], None]
    ) -> None:
        self.app = app
        self.record = record

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        started: list[bool] = []

        def tracking(*args: Any) -> Any:
            started.append(True)
            return start_response(*args)

        try:
            return self.app(environ, tracking)
        except Exception as exc:
            log.exception("unexpected error outside the app")
            self.record(exc)
            body = orjson.dumps(internal(exc).to_body())
            headers = [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ]
            # Replacing headers already given needs exc_info (PEP 3333); a
            # server raises it back if they were already sent.
            exc_info = sys.exc_info() if started else None
            start_response("500 INTERNAL SERVER ERROR", headers, exc_info)
            return [body]


def from_http(error: HTTPException, method: str, path: str) -> FakeGalleryError:
    """The fake's error for an exception werkzeug raised while routing or
    reading a request."""
    status = error.code or 500
    if status == 404:
        return NotFound(f"no endpoint at {method} {path}")
    if status == 405:
        allowed = sorted(getattr(error, "valid_methods", None) or ())
        return MethodNotAllowed(
            f"{method} is not allowed on {path}; use {', '.join(allowed)}",
            {"allowed": allowed},
        )
    if status == 413:
        return PayloadTooLarge(
            f"the request body is larger than the limit ({error.description})"
        )
    location = getattr(error, "new_url", None)
    if location:
        return HttpRefusal(
            status, f"{path} moved to {location}", {"location": location}
        )
    return HttpRefusal(status, error.description or str(error))
