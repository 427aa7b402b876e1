"""create_app: settings → FakeGallery → the API under every prefix → one error
renderer → request ids → fixtures."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import api, control, fixtures, live_api, openapi, wirelog
from .config import Settings
from .errors import FakeGalleryError, Internal, MethodNotAllowed, NotFound
from .fake import FakeGallery, current_fake, init_app

log = logging.getLogger("fakegallery")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a fake: defaults, then FAKEGALLERY_* environment, then `config`."""
    app = Flask("fakegallery")
    app.config.from_prefixed_env("FAKEGALLERY")
    if config:
        app.config.update(config)
    settings = Settings.from_mapping(app.config)
    fake = init_app(app, settings)
    app.url_map.converters["apiprefix"] = api.PrefixConverter
    app.register_blueprint(api.bp)  # under every prefix in api.PREFIXES
    app.register_blueprint(control.bp)
    app.register_blueprint(live_api.bp)
    app.register_blueprint(openapi.bp)
    _register_errors(app)
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
    if settings.fixtures:
        fixtures.load(fake, settings.fixtures)
    if settings.wire_log:
        wirelog.install(app, settings.wire_log)
    return app


def get_fake(app: Flask) -> FakeGallery:
    fake: FakeGallery = app.extensions["fakegallery"]
    return fake


def _assign_request_id() -> None:
    g.request_id = current_fake().ids.request_id()


def _send_request_id(response: Response) -> Response:
    # spec §2.2: the SDK copies this header into error.requestId.
    request_id = g.get("request_id") or current_fake().ids.request_id()
    response.headers["X-Wix-Request-Id"] = request_id
    return _json_only(response)


def _json_only(response: Response) -> Response:
    """spec §2.1: every answer is JSON. Two come from Flask as HTML and skip the
    error handlers: the automatic OPTIONS answer and werkzeug's redirect of a
    path with `//` (a RoutingException). Give them JSON bodies; keep the
    status and the Allow/Location headers."""
    if response.mimetype != "text/html" or response.direct_passthrough:
        return response
    body: dict[str, Any] = {}
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        error = FakeGalleryError(f"{request.path} moved to {location}".strip())
        body = error.to_body()
        application = body["details"]["applicationError"]
        reason = response.status.split(" ", 1)[-1]  # "308 PERMANENT REDIRECT"
        application["code"] = reason.upper().replace(" ", "_")
        application["data"] = {"location": location} if location else {}
    response.set_data(orjson.dumps(body))
    response.mimetype = "application/json"
    return response


def render(error: FakeGalleryError) -> Response:
    """The one place an error becomes a response: Wix-shaped JSON, never HTML."""
    return Response(
        orjson.dumps(error.to_body()), status=error.status, mimetype="application/json"
    )


def _register_errors(app: Flask) -> None:
    @app.errorhandler(FakeGalleryError)
    def _fake_error(error: FakeGalleryError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        path = request.path
        if error.code == 404:
            return render(NotFound(f"no endpoint at {request.method} {path}"))
        if error.code == 405:
            allowed = ", ".join(sorted(getattr(error, "valid_methods", None) or ()))
            response = render(
                MethodNotAllowed(
                    f"{request.method} is not allowed on {path}; use {allowed}",
                    {"allowed": allowed.split(", ") if allowed else []},
                )
            )
            response.headers["Allow"] = allowed  # RFC 9110 §15.5.6
            return response
        generic = FakeGalleryError(error.description or str(error))
        body = generic.to_body()
        code = (error.name or "ERROR").upper().replace(" ", "_")
        body["details"]["applicationError"]["code"] = code
        status = error.code or 500
        return Response(orjson.dumps(body), status=status, mimetype="application/json")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # A bug in the fake: answer in the Wix shape, and keep the exception so
        # the pytest plugin can fail the test that caused it.
        log.exception("unexpected error in %s %s", request.method, request.path)
        current_fake().record_error(error)
        return render(
            Internal(f"internal error in the fake: {type(error).__name__}: {error}")
        )
