"""Typed settings of one fake: defaults, environment (FAKEGALLERY_*) and overrides.

Every setting is checked at start-up: booleans take true/false/1/0/yes/no and
nothing else, integers are integers, times are RFC3339, ids are GUID-like
strings, and an unknown key is an error with a "did you mean" hint. Each error
names the key (docs/configuration.md lists them all).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from . import webhook_settings as wh

READ = "PRO_GALLERY.READ"
MANAGE = "PRO_GALLERY.MANAGE"
PERMISSIONS = frozenset({READ, MANAGE})

AUTH_MODES = ("open", "strict", "off")
#: docs/behaviour.md §8.1: the two spellings of the events' entity FQDN (the
#: SDK's and Wix's sample payload first). state/events.py holds the same pair.
ENTITY_FQDNS = ("wix.pro_gallery.v2.gallery", "wix.pro_gallery.gallery_v2")
#: MODE: "strict" enforces every input rule; "loose" relaxes the value rules and
#: reports them (docs/journal-and-faults.md#strict-and-loose).
MODES = ("strict", "loose")
RATE_LIMIT_KEYS = ("site", "key")
#: RATE_LIMIT units: seconds per unit.
RATE_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}

# The site that requests without a `wix-site-id` header address (Wix answers 403
# there, docs/behaviour.md §3.1; we default to a site so that a bare curl works).
DEFAULT_SITE_ID = "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b"

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


class SettingsError(ValueError):
    """A setting that cannot work; the message names the key."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A declared API key: the site it is bound to (if any) and what it may do."""

    site_id: str | None
    permissions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Settings:
    """Every switch of the fake. Keys are the upper-case names, as in Flask config."""

    #: Site used when a request has no `wix-site-id` header; None → 403 like Wix.
    default_site_id: str | None = DEFAULT_SITE_ID
    #: "open": any non-empty key has full rights; "strict": only API_KEYS;
    #: "off": no Authorization header needed at all.
    auth: str = "open"
    #: key → {"siteId": str | None, "permissions": [READ, MANAGE]}
    api_keys: Mapping[str, ApiKey] = field(default_factory=dict)
    #: docs/behaviour.md §6.1: items are listed ascending by sortOrder unless True.
    item_sort_desc: bool = False
    #: docs/behaviour.md §6.1: reject a duplicate sortOrder with 409.
    reject_duplicate_sort_order: bool = True
    #: docs/behaviour.md §5.2: max itemLimit of getGallery and listGalleryItems.
    max_item_limit: int = 200
    #: docs/behaviour.md §6.6: the SDK sends altText/filename "undefined"; store
    #: them as absent.
    drop_undefined_strings: bool = True
    #: Seed of ids and generated data; None draws one at random.
    seed: int | None = None
    #: RFC3339 instant to freeze the clock at; None follows the wall clock.
    frozen_time: str | None = None
    #: Fixture files or names to load at start.
    fixtures: tuple[str, ...] = ()
    #: Unknown keys in fixture files are warnings instead of errors.
    loose_fixtures: bool = False
    #: Append every request/response as one JSON line to this file (web/wirelog.py).
    wire_log: str | None = None
    #: docs/live-site.md rule 5: images must be in the site's Media Manager first.
    #: When True, an image whose imageInfo.id is not in the library is a 400.
    strict_media: bool = False
    #: Let a request send `X-Fake-Elevate: true` to use a permission its key
    #: lacks for that one call, like Velo's wix-auth elevate() (docs/live-site.md).
    allow_elevate: bool = True
    #: The largest request body accepted (413 PAYLOAD_TOO_LARGE above it). Media
    #: uploads take up to 25 MB, so the default leaves room for them.
    max_request_bytes: int = 32 * 1024 * 1024
    #: docs/behaviour.md §8.1: the `entityFqdn` of recorded (and delivered)
    #: domain events; the other accepted value is "wix.pro_gallery.gallery_v2".
    event_entity_fqdn: str = ENTITY_FQDNS[0]
    #: Durable mode (docs/persistence.md): keep the state in this directory,
    #: every write stored before it is answered. None: memory only.
    data_dir: str | None = None
    #: Also sync each stored write to the disk (survives power loss, slower).
    data_dir_fsync: bool = False
    #: Record every request in the journal (docs/journal-and-faults.md).
    journal: bool = True
    #: The journal keeps at most this many entries and this many bytes; the
    #: oldest are dropped first and counted.
    journal_max_entries: int = 10_000
    journal_max_bytes: int = 64 * 1024 * 1024
    #: Each request and response body is kept up to this many bytes (then cut,
    #: with a truncated flag).
    journal_body_bytes: int = 256 * 1024
    #: "strict" (Wix's rules) or "loose" (value rules relaxed and reported).
    mode: str = "strict"
    #: Token bucket per site (or key): (calls, per seconds); None is off.
    rate_limit: tuple[int, float] | None = None
    #: What a rate-limit bucket belongs to: "site" or "key".
    rate_limit_by: str = "site"
    #: Webhooks (docs/webhooks.md, each explained in docs/configuration.md);
    #: `fakegallery serve` defaults WEBHOOK_DELIVERY to "async".
    webhooks: tuple[str, ...] = ()
    webhook_delivery: str = "sync"
    webhook_timeout_ms: int = 1250
    webhook_max_attempts: int = 5
    webhook_retry_ms: int = 1000
    webhook_private_key_file: str | None = None
    webhook_app_id: str | None = None
    webhook_instance_ids: Mapping[str, str] = field(default_factory=dict)
    webhook_log_max_entries: int = 10_000
    webhook_log_max_bytes: int = 16 * 1024 * 1024

    @property
    def loose(self) -> bool:
        return self.mode == "loose"

    @classmethod
    def keys(cls) -> list[str]:
        return [f.name.upper() for f in fields(cls)]

    @classmethod
    def from_mapping(
        cls, config: Mapping[str, Any], given: Iterable[str] = ()
    ) -> Settings:
        """Build settings from Flask-style upper-case keys. `given` are the keys
        a user set (not Flask's own): any of them that is no setting is an error."""
        known = set(cls.keys())
        for key in given:
            if key not in known:
                hint = difflib.get_close_matches(key, sorted(known), n=1)
                tip = f"; did you mean {hint[0]}?" if hint else ""
                raise SettingsError(f"unknown setting {key}{tip}")
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f.name.upper()
            if key in config:
                values[f.name] = _PARSERS[f.name](key, config[key])
        return cls(**values)


# --- parsing each setting ---------------------------------------------------------


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


def _int(key: str, value: Any, low: int) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{key} must be an integer, not {value!r}")
    if value < low:
        raise SettingsError(f"{key} must be at least {low}, not {value}")
    return value


def _optional_int(key: str, value: Any) -> int | None:
    return None if value is None else _int(key, value, -(2**63))


def _optional_str(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"{key} must be a non-empty string or null, not {value!r}")
    return value.strip()


_GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def _site_id(key: str, value: Any) -> str | None:
    text = _optional_str(key, value)
    if text is not None and not _GUID.fullmatch(text):
        raise SettingsError(
            f"{key} must be a site id (a GUID such as {DEFAULT_SITE_ID}) or null, "
            f"not {value!r}"
        )
    return text


def _time(key: str, value: Any) -> str | None:
    from .state.clock import parse_time

    text = _optional_str(key, value)
    if text is not None:
        try:
            parse_time(text)
        except ValueError as exc:
            raise SettingsError(f"{key}: {exc}") from None
    return text


def _choice(choices: tuple[str, ...]) -> Any:
    def parse(key: str, value: Any) -> str:
        if value not in choices:
            raise SettingsError(
                f"{key} must be one of {', '.join(choices)}, not {value!r}"
            )
        return str(value)

    return parse


_RATE = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]*)\s*([smh])\s*")


def _rate_limit(key: str, value: Any) -> tuple[int, float] | None:
    """``"20/s"``, ``"100/m"``, ``"5/10s"`` (calls per period) or null."""
    if value is None:
        return None
    match = _RATE.fullmatch(value) if isinstance(value, str) else None
    if match is None or min(int(match.group(1)), int(match.group(2) or 1)) < 1:
        raise SettingsError(
            f'{key} must be calls per period such as "20/s", "100/m" or '
            f'"5/10s" (a positive count; units s, m, h), or null; not {value!r}'
        )
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * RATE_UNITS[unit]


def _fixtures(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SettingsError(f"{key} must be a fixture name or path, or a list of them")


def _api_keys(key: str, raw: Any) -> dict[str, ApiKey]:
    if not isinstance(raw, Mapping):
        raise SettingsError(f"{key} must map a key to {{siteId, permissions}}")
    keys: dict[str, ApiKey] = {}
    for name, spec in raw.items():
        if isinstance(spec, ApiKey):
            keys[name] = spec
            continue
        if not isinstance(spec, Mapping):
            raise SettingsError(f"{key}[{name!r}] must be an object")
        extra = sorted(set(spec) - {"siteId", "permissions"})
        if extra:
            raise SettingsError(
                f"{key}[{name!r}]: unknown keys {extra}; use siteId, permissions"
            )
        perms = frozenset(spec.get("permissions", [READ, MANAGE]))
        unknown = perms - PERMISSIONS
        if unknown:
            raise SettingsError(
                f"{key}[{name!r}]: unknown permissions {sorted(unknown)}; "
                f"use {sorted(PERMISSIONS)}"
            )
        keys[name] = ApiKey(site_id=spec.get("siteId"), permissions=perms)
    return keys


_PARSERS: dict[str, Any] = {
    "default_site_id": _site_id,
    "auth": _choice(AUTH_MODES),
    "api_keys": _api_keys,
    "item_sort_desc": parse_bool,
    "reject_duplicate_sort_order": parse_bool,
    "max_item_limit": lambda k, v: _int(k, v, 1),
    "drop_undefined_strings": parse_bool,
    "seed": _optional_int,
    "frozen_time": _time,
    "fixtures": _fixtures,
    "loose_fixtures": parse_bool,
    "wire_log": _optional_str,
    "strict_media": parse_bool,
    "allow_elevate": parse_bool,
    "max_request_bytes": lambda k, v: _int(k, v, 1024),
    "event_entity_fqdn": _choice(ENTITY_FQDNS),
    "webhooks": lambda k, v: wh.urls(k, v, SettingsError),
    "webhook_delivery": _choice(wh.DELIVERY_MODES),
    "webhook_timeout_ms": lambda k, v: _int(k, v, 1),
    "webhook_max_attempts": lambda k, v: _int(k, v, 1),
    "webhook_retry_ms": lambda k, v: _int(k, v, 0),
    "webhook_private_key_file": _optional_str,
    "webhook_app_id": lambda k, v: wh.optional_guid(k, v, SettingsError),
    "webhook_instance_ids": lambda k, v: wh.instance_ids(k, v, SettingsError),
    "webhook_log_max_entries": lambda k, v: _int(k, v, 1),
    "webhook_log_max_bytes": lambda k, v: _int(k, v, 1024),
    "data_dir": _optional_str,
    "data_dir_fsync": parse_bool,
    "journal": parse_bool,
    "journal_max_entries": lambda k, v: _int(k, v, 1),
    "journal_max_bytes": lambda k, v: _int(k, v, 64 * 1024),
    "journal_body_bytes": lambda k, v: _int(k, v, 0),
    "mode": _choice(MODES),
    "rate_limit": _rate_limit,
    "rate_limit_by": _choice(RATE_LIMIT_KEYS),
}
assert set(_PARSERS) == {f.name for f in fields(Settings)}
