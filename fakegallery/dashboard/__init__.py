"""The dashboard: HTML pages under /_fake/ui/ that show the fake's state
(docs/dashboard.md). Its own area of the URL space: its errors are HTML pages,
every other route keeps answering JSON (web/policy.py)."""

from __future__ import annotations

from jinja2 import StrictUndefined

from ..web.policy import Area, FakeFlask
from . import actions, routes
from . import activity_actions as _activity_actions  # noqa: F401 (adds controls)
from .security import render_html

PREFIX = "/_fake/ui/"


def install(app: FakeFlask) -> None:
    """Register the pages, the controls and the HTML area."""
    # A name a template uses but nobody passed is a bug, not an empty string.
    app.jinja_env.undefined = StrictUndefined
    app.register_blueprint(routes.bp)
    app.register_blueprint(actions.bp)  # with activity_actions' controls too
    app.add_area(Area("dashboard", PREFIX, render_html))
