"""create_app: settings → FakeGallery → the areas (the API under every prefix,
the control plane, the live site, OpenAPI, the dashboard) → the HTTP policy →
request ids → fixtures. docs/architecture.md follows one request through it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g

from . import dashboard
from .config import Settings
from .control import index, pictures
from .control import routes as control
from .fake import FakeGallery, current_fake, init_app
from .gallery import routes as api
from .live import routes as live
from .openapi import routes as openapi
from .web import policy, wirelog


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a fake: defaults, then FAKEGALLERY_* environment, then `config`."""
    app = policy.FakeFlask("fakegallery")
    flask_keys = set(app.config)
    app.config.from_prefixed_env("FAKEGALLERY")
    if config:
        app.config.update(config)
    given = [key for key in app.config if key not in flask_keys]
    settings = Settings.from_mapping(app.config, given)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    fake = init_app(app, settings)
    app.url_map.converters["apiprefix"] = api.PrefixConverter
    app.register_blueprint(api.bp)  # under every prefix in api.PREFIXES
    app.register_blueprint(control.bp)
    app.register_blueprint(live.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(pictures.bp)
    app.register_blueprint(index.bp)  # / and /_fake/: the dashboard or a JSON index
    dashboard.install(app)  # HTML pages under /_fake/ui/, their own error area
    policy.install(app, fake.errors.record)
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
    if settings.fixtures:
        from .seeding import fixtures  # marshmallow: only when there are fixtures

        fixtures.load(fake, settings.fixtures)
    if settings.wire_log:
        wirelog.install(app, settings.wire_log)
    app.wsgi_app = policy.Guard(app.wsgi_app, fake.errors.record)  # type: ignore[method-assign]
    return app


def get_fake(app: Flask) -> FakeGallery:
    fake: FakeGallery = app.extensions["fakegallery"]
    return fake


def _assign_request_id() -> None:
    g.request_id = current_fake().ids.request_id()


def _send_request_id(response: Response) -> Response:
    # docs/behaviour.md §2.2: the SDK copies this header into error.requestId.
    request_id = g.get("request_id") or current_fake().ids.request_id()
    response.headers["X-Wix-Request-Id"] = request_id
    return response
