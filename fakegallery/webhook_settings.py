"""Checks of the webhook settings (docs/webhooks.md, docs/configuration.md),
apart from config.py, which keeps the generic ones. Each check takes the error
class to raise, so that this module imports nothing from config.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

#: When a webhook is sent. "sync": before the API call that caused it
#: answers; "async": by a background sender; "paused": on flush only.
DELIVERY_MODES = ("sync", "async", "paused")

_GUID = r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"  # compiled on use
_EXAMPLE = "11111111-2222-4333-8444-555555555555"


def guid(key: str, value: Any, error: type[Exception]) -> str:
    if not isinstance(value, str) or not re.fullmatch(_GUID, value.strip()):
        raise error(f"{key} must be a GUID such as {_EXAMPLE}, not {value!r}")
    return value.strip().lower()


def optional_guid(key: str, value: Any, error: type[Exception]) -> str | None:
    return None if value is None else guid(key, value, error)


def urls(key: str, value: Any, error: type[Exception]) -> tuple[str, ...]:
    """One http(s) URL or a list of them."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple):
        raise error(f"{key} must be a URL or a list of URLs, not {value!r}")
    for url in values:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise error(f"{key}: {url!r} is not an http:// or https:// URL with a host")
    return tuple(values)


def instance_ids(key: str, raw: Any, error: type[Exception]) -> dict[str, str]:
    """siteId → instanceId (a GUID)."""
    if not isinstance(raw, Mapping):
        raise error(f"{key} must map a siteId to an instanceId (a GUID)")
    return {str(s): guid(f"{key}[{s!r}]", i, error) for s, i in raw.items()}
