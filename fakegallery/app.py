"""create_app: settings → FakeGallery → the areas (the API under every prefix,
the control plane, the live site, OpenAPI, the dashboard) → the HTTP policy →
request ids → the data dir → fixtures. docs/architecture.md follows one request
through it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, g

from . import dashboard
from .config import Settings
from .control import index, pictures, transfer
from .control import routes as control
from .fake import FakeGallery, current_fake, init_app
from .gallery import routes as api
from .live import routes as live
from .openapi import routes as openapi
from .seeding import fixtures
from .web import policy, wirelog


def create_app(
    config: Mapping[str, Any] | None = None,
    populate: Callable[[FakeGallery], None] | None = None,
) -> Flask:
    """Build a fake: defaults, then FAKEGALLERY_* environment, then `config`.
    `populate(fake)` adds start-up data after the fixtures (the CLI's demo
    data or import). With DATA_DIR, both fill a new data dir only; a fake with
    a data dir holds it until `get_fake(app).close()` (or the process ends)."""
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
    app.register_blueprint(transfer.bp)
    app.register_blueprint(live.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(pictures.bp)
    app.register_blueprint(index.bp)  # / and /_fake/: the dashboard or a JSON index
    dashboard.install(app)  # HTML pages under /_fake/ui/, their own error area
    policy.install(app, fake.errors.record)
    app.before_request(_assign_request_id)
    app.after_request(_send_request_id)
    try:
        if settings.data_dir:
            from .persistence import attach

            fake.durable = attach(fake)
        _start_data(fake, populate)
    except BaseException:
        fake.close()
        raise
    if settings.wire_log:
        wirelog.install(app, settings.wire_log)
    app.wsgi_app = policy.Guard(app.wsgi_app, fake.errors.record)  # type: ignore[method-assign]
    return app


def _start_data(
    fake: FakeGallery, populate: Callable[[FakeGallery], None] | None
) -> None:
    """Fixtures, then `populate`, in one write: with a data dir they fill a new
    one only, and are stored together with the mark that it was filled."""
    durable = fake.durable
    with fake.lock:
        if durable is None or durable.fresh:
            if fake.settings.fixtures:
                fixtures.load(fake, fake.settings.fixtures)
            if populate is not None:
                populate(fake)
        if durable is not None and durable.fresh:
            durable.initialized()


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
