"""Parsers of setting values (config.py): each checks and converts one value
and raises SettingsError naming the key. Booleans take true/false/1/0/yes/no
and nothing else; times are RFC3339 only."""

from __future__ import annotations

import re
from typing import Any

_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")

#: RATE_LIMIT units: seconds per unit.
RATE_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}


class SettingsError(ValueError):
    """A setting that cannot work; the message names the key."""


def parse_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise SettingsError(f"{key} must be true or false (or 1/0, yes/no), not {value!r}")


def integer(key: str, value: Any, low: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{key} must be an integer, not {value!r}")
    if value < low:
        raise SettingsError(f"{key} must be at least {low}, not {value}")
    return value


def optional_int(key: str, value: Any) -> int | None:
    return None if value is None else integer(key, value, -(2**63))


def optional_str(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{key} must be a non-empty string or null, not {value!r}")
    return value.strip()


# Patterns are compiled when a setting needs them (re's cache), not at every start.
_GUID = r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"


def site_id(key: str, value: Any) -> str | None:
    text = optional_str(key, value)
    if text is not None and not re.fullmatch(_GUID, text):
        raise SettingsError(f"{key} must be a site id (a GUID) or null, not {value!r}")
    return text


def rfc3339(key: str, value: Any) -> str | None:
    from .state.clock import parse_time  # state/ imports config: not at the top

    text = optional_str(key, value)
    if text is not None:
        try:
            parse_time(text)
        except ValueError as exc:
            raise SettingsError(f"{key}: {exc}") from None
    return text


def choice(choices: tuple[str, ...]) -> Any:
    def parse(key: str, value: Any) -> str:
        if value not in choices:
            raise SettingsError(
                f"{key} must be one of {', '.join(choices)}, not {value!r}"
            )
        return str(value)

    return parse


_RATE = r"\s*([0-9]+)\s*/\s*([0-9]*)\s*([smh])\s*"


def rate_limit(key: str, value: Any) -> tuple[int, float] | None:
    """``"20/s"``, ``"100/m"``, ``"5/10s"`` (calls per period) or null."""
    if value is None:
        return None
    match = re.fullmatch(_RATE, value) if isinstance(value, str) else None
    if match is None or min(int(match.group(1)), int(match.group(2) or 1)) < 1:
        raise SettingsError(
            f'{key} must be calls per period such as "20/s", "100/m" or '
            f'"5/10s" (a positive count; units s, m, h), or null; not {value!r}'
        )
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * RATE_UNITS[unit]


def fixture_refs(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SettingsError(f"{key} must be a fixture name or path, or a list of them")


def host_names(key: str, value: Any) -> tuple[str, ...]:
    """Host names, as a list or one comma-separated string."""
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) for v in value
    ):
        raise SettingsError(f'{key} must be a list of host names, or "*"')
    hosts = tuple(v.strip().lower() for v in value if v.strip())
    bad = [h for h in hosts if h != "*" and not re.fullmatch(_HOST, h)]
    if bad:
        raise SettingsError(f"{key}: {bad[0]!r} is not a host name (no port or scheme)")
    return hosts


_HOST = r"(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)"
