"""The `fakegallery` marker's options, checked before a test's site is set up
(docs/testing.md, "The marker"). Imported by the pytest plugin when a test
asks for the fixture, never at plugin load."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ..config import Settings

MARKER_OPTIONS = ("fixtures", "freeze", "site_id", "api_key", "settings")


def marker_options(node: pytest.Item) -> dict[str, Any]:
    marker = node.get_closest_marker("fakegallery")
    if marker is None:
        return {}
    if marker.args:
        pytest.fail(
            "@pytest.mark.fakegallery takes keyword options only, e.g. "
            "fixtures=['basic']",
            pytrace=False,
        )
    unknown = sorted(set(marker.kwargs) - set(MARKER_OPTIONS))
    if unknown:
        pytest.fail(
            f"@pytest.mark.fakegallery: unknown option(s) {unknown}; "
            f"use {list(MARKER_OPTIONS)}",
            pytrace=False,
        )
    options = dict(marker.kwargs)
    if isinstance(options.get("fixtures"), str | Path):
        options["fixtures"] = [options["fixtures"]]
    settings = options.get("settings")
    if settings is not None and not isinstance(settings, Mapping):
        pytest.fail(
            "@pytest.mark.fakegallery: settings must be a dict such as "
            "{'ITEM_SORT_DESC': True}",
            pytrace=False,
        )
    return options


def check_api_key(api_key: Any, site_id: str | None, settings: Settings) -> str | None:
    """The marker's api_key against the server's auth settings: a key that the
    server would refuse, or that open auth would silently give full rights
    although keys are declared, fails the test's setup. Returns the site id to
    use (a key bound to a site addresses that site)."""
    where = "@pytest.mark.fakegallery: api_key"
    if not isinstance(api_key, str) or not api_key.strip():
        pytest.fail(f"{where} must be a non-empty string", pytrace=False)
    if settings.auth == "off":
        return site_id
    declared = settings.api_keys.get(api_key)
    names = ", ".join(sorted(settings.api_keys)) or "none"
    if declared is None and settings.auth == "strict":
        pytest.fail(
            f"{where} {api_key!r} is not declared in API_KEYS, so strict auth "
            f"refuses every call (declared: {names})",
            pytrace=False,
        )
    if declared is None and settings.api_keys:
        pytest.fail(
            f"{where} {api_key!r} is not declared in API_KEYS (declared: {names}); "
            "under open auth it would get full rights. Declare it, or leave "
            "api_key out",
            pytrace=False,
        )
    if declared is not None and declared.site_id:
        if site_id and site_id != declared.site_id:
            pytest.fail(
                f"{where} {api_key!r} belongs to site {declared.site_id!r}, "
                f"not site_id={site_id!r}",
                pytrace=False,
            )
        return declared.site_id
    return site_id
