"""create_app: settings → FakeGallery → the areas (the API under every prefix,
the control plane, the live site, OpenAPI, the dashboard) → the HTTP policy →
request ids → the data dir → fixtures → the WSGI layers (capture, guard,
connection faults). docs/architecture.md follows one request through it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flask import Flask, Response, g

from . import dashboard
from .config import Settings
from .control import fixtures as control_fixtures
from .control import index, pictures, site_settings, transfer
from .control import journal as journal_routes
from .control import routes as control
from .control.webhooks import routes as webhooks
from .fake import FakeGallery, current_fake, init_app
from .gallery import routes as api
from .live import routes as live
from .openapi import routes as openapi
from .web import guard, policy
from .web.capture import Capture, JournalSink, Sink
from .web.connection import ConnectionFaults
from .web.nearest import RouteHints
from .web.wirelog import WireLog


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
    app.register_blueprint(site_settings.bp)
    app.register_blueprint(control_fixtures.bp)
    app.register_blueprint(transfer.bp)
    app.register_blueprint(journal_routes.bp)
    webhooks.install(app)  # /_fake/webhooks, and sync delivery after requests
    app.register_blueprint(live.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(pictures.bp)
    app.register_blueprint(index.bp)  # / and /_fake/: the dashboard or a JSON index
    dashboard.install(app)  # HTML pages under /_fake/ui/, their own error area
    policy.install(app, fake.errors.record, RouteHints(known_routes(app)))
    app.before_request(_assign_request_id)
    guard.install(app, settings)  # Host, Origin, control token
    app.after_request(_send_headers)
    try:
        if settings.data_dir:
            from .persistence import attach

            fake.durable = attach(fake)
        _start_data(fake, populate)
    except BaseException:
        fake.close()
        raise
    _install_layers(app, fake, settings)
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
                from .seeding import fixtures  # only when there are fixtures

                fixtures.load(fake, fake.settings.fixtures)
            if populate is not None:
                populate(fake)
        if durable is not None and durable.fresh:
            durable.initialized()


def _install_layers(app: Flask, fake: FakeGallery, settings: Settings) -> None:
    """The WSGI layers around Flask, inside out: the capture (journal and
    wire log: docs/journal-and-faults.md), the guard, the connection faults."""
    sinks: list[Sink] = []
    if settings.journal:
        sinks.append(JournalSink(fake.journal, settings.journal_body_bytes))
    if settings.wire_log:
        sinks.append(WireLog(settings.wire_log, settings.wire_log_max_bytes))
    wsgi: Any = app.wsgi_app
    if sinks:
        wsgi = Capture(
            wsgi, fake.clock.now, api.PREFIXES, settings.max_request_bytes, sinks
        )
    wsgi = policy.Guard(wsgi, fake.errors.record)
    app.wsgi_app = ConnectionFaults(wsgi)  # type: ignore[method-assign]


_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def known_routes(app: Flask) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route, one per API prefix, with
    placeholders spelled ``{name}`` (for the 404's closest route)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        templates = [rule.rule]
        if "<apiprefix:prefix>" in rule.rule:
            templates = [
                rule.rule.replace("/<apiprefix:prefix>", p) for p in api.PREFIXES
            ]
        for template in templates:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield method, _PARAM.sub(r"{\1}", template)


def get_fake(app: Flask) -> FakeGallery:
    fake: FakeGallery = app.extensions["fakegallery"]
    return fake


def _assign_request_id() -> None:
    g.request_id = current_fake().ids.request_id()


def _send_headers(response: Response) -> Response:
    # docs/behaviour.md §2.2: the SDK copies this header into error.requestId.
    request_id = g.get("request_id") or current_fake().ids.request_id()
    response.headers["X-Wix-Request-Id"] = request_id
    # Every answer's content type is the one meant (JSON, or an uploaded
    # image's own): browsers must not guess another.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
