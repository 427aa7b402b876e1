"""`/_fake/site/settings`: read and change one site's per-site settings
(state/site_settings.py, docs/control-plane.md). The site is the `wix-site-id`
header, else `?siteId=`, else DEFAULT_SITE_ID. A rejected change changes
nothing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..config import SettingsError
from ..errors import FORMAT, INVALID_ARGUMENT, FieldViolation, InvalidArgument
from ..fake import current_fake
from ..state.site_settings import PER_SITE, check_changes
from ..web.request import control_site, json_body, ok

bp = Blueprint("site_settings", __name__, url_prefix="/_fake")


def _site() -> str:
    return control_site(current_fake().settings.default_site_id)


def _answer(site_id: str) -> Response:
    switches = current_fake().site_settings
    return ok(
        {
            "siteId": site_id,
            "settings": switches.effective(site_id),
            "overrides": switches.overrides(site_id),
        }
    )


@bp.get("/site/settings")
def get_site_settings() -> Response:
    """Every per-site setting as in force for the site, and what it overrides."""
    return _answer(_site())


@bp.patch("/site/settings")
def patch_site_settings() -> Response:
    """`{KEY: value}` overrides a setting for the site, `{KEY: null}` goes back
    to the app's value. Every key is checked before anything changes."""
    site_id = _site()
    data = json_body()
    if not isinstance(data, dict):
        raise InvalidArgument.one(
            "body", "must be a JSON object of KEY: value", FORMAT, type="object"
        )
    violations: list[FieldViolation] = []
    for key, value in data.items():
        try:
            check_changes({key: value})
        except SettingsError as exc:
            rule = FORMAT if str(key).upper() in PER_SITE else INVALID_ARGUMENT
            violations.append(FieldViolation(str(key), str(exc), rule, _allowed()))
    if violations:
        raise InvalidArgument(violations)
    current_fake().site_settings.update(site_id, data)
    return _answer(site_id)


def _allowed() -> dict[str, Any]:
    return {"perSite": list(PER_SITE)}
