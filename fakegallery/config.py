"""Typed settings of one fake: defaults, environment (FAKEGALLERY_*) and overrides.

Every setting is checked at start-up: booleans take true/false/1/0/yes/no and
nothing else, integers are integers, times are RFC3339, ids are GUID-like
strings, and an unknown key is an error with a "did you mean" hint. Each error
names the key (docs/configuration.md lists them all).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from . import webhook_settings as wh
from .config_values import (
    SettingsError as SettingsError,
)
from .config_values import (
    choice,
    fixture_refs,
    host_names,
    integer,
    optional_int,
    optional_str,
    parse_bool,
    rate_limit,
    rfc3339,
    site_id,
)

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

# The site that requests without a `wix-site-id` header address (Wix answers 403
# there, docs/behaviour.md §3.1; we default to a site so that a bare curl works).
DEFAULT_SITE_ID = "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b"

MIB = 1024 * 1024


#: The default of the mapping settings (a NamedTuple default is shared).
NOTHING: Mapping[str, Any] = MappingProxyType({})


class ApiKey(NamedTuple):
    """A declared API key: the site it is bound to (if any) and what it may do."""

    site_id: str | None
    permissions: frozenset[str]


class Settings(NamedTuple):
    """Every switch of the fake. Keys are the upper-case names, as in Flask config."""

    #: Site used when a request has no `wix-site-id` header; None → 403 like Wix.
    default_site_id: str | None = DEFAULT_SITE_ID
    #: "open": any non-empty key has full rights; "strict": only API_KEYS;
    #: "off": no Authorization header needed at all.
    auth: str = "open"
    #: key → {"siteId": str | None, "permissions": [READ, MANAGE]}
    api_keys: Mapping[str, ApiKey] = NOTHING
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
    webhook_instance_ids: Mapping[str, str] = NOTHING
    webhook_log_max_entries: int = 10_000
    webhook_log_max_bytes: int = 16 * 1024 * 1024

    @property
    def loose(self) -> bool:
        return self.mode == "loose"

    # --- limits (docs/configuration.md, "Limits") -----------------------------------
    #: The largest JSON request body (API and /_fake/), 413 above it.
    max_request_bytes: int = 16 * MIB
    #: The largest POST /_fake/media request: a 25 MB image plus form overhead.
    max_media_request_bytes: int = 26 * MIB
    #: The longest string (and object key) in a JSON body, in characters.
    max_string_length: int = 64 * 1024
    #: The most `gallery.items` one createGallery/updateGallery request holds.
    max_items_per_request: int = 20_000
    #: Sites that may hold data at once (galleries, widgets, media or a flag).
    max_sites: int = 10_000
    #: Galleries one site may hold.
    max_galleries_per_site: int = 10_000
    #: Stored galleries, items and media files, in bytes (state/quota.py).
    max_stored_bytes: int = 512 * MIB
    #: The event log keeps at most this many events and bytes (oldest dropped).
    event_log_max_count: int = 10_000
    event_log_max_bytes: int = 32 * MIB
    #: The server-error list keeps at most this many errors and bytes.
    error_log_max_count: int = 100
    error_log_max_bytes: int = 1 * MIB
    #: The wire log file is rotated to `<file>.1` when it would grow past this.
    wire_log_max_bytes: int = 64 * MIB
    # --- safety (docs/control-plane.md, "Safety") -------------------------------------
    #: When set, /_fake/ calls must send it in the X-Fake-Control-Token header.
    control_token: str | None = None
    #: Host names a loopback-bound server accepts besides the loopback ones;
    #: "*" accepts any (DNS rebinding protection off).
    allowed_hosts: tuple[str, ...] = ()
    # --- the HTTP server (fakegallery serve and the pytest plugin's server) -----------
    #: Open connections at most; more wait in the listen backlog.
    server_connection_limit: int = 1000
    #: Seconds an idle (or stalled) connection stays open.
    server_channel_timeout: int = 30
    #: The largest request line plus headers, in bytes (431 above it).
    server_max_header_bytes: int = 64 * 1024

    @classmethod
    def keys(cls) -> list[str]:
        return [name.upper() for name in cls._fields]

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
        for name in cls._fields:
            key = name.upper()
            if key in config:
                values[name] = _PARSERS[name](key, config[key])
        return cls(**values)


def parse_setting(key: str, value: Any) -> Any:
    """Check and convert one setting's value (`key` upper-case, known)."""
    return _PARSERS[key.lower()](key, value)


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
    "default_site_id": site_id,
    "auth": choice(AUTH_MODES),
    "api_keys": _api_keys,
    "item_sort_desc": parse_bool,
    "reject_duplicate_sort_order": parse_bool,
    "max_item_limit": lambda k, v: integer(k, v, 1),
    "drop_undefined_strings": parse_bool,
    "seed": optional_int,
    "frozen_time": rfc3339,
    "fixtures": fixture_refs,
    "loose_fixtures": parse_bool,
    "wire_log": optional_str,
    "strict_media": parse_bool,
    "allow_elevate": parse_bool,
    "max_request_bytes": lambda k, v: integer(k, v, 1024),
    "event_entity_fqdn": choice(ENTITY_FQDNS),
    "webhooks": lambda k, v: wh.urls(k, v, SettingsError),
    "webhook_delivery": choice(wh.DELIVERY_MODES),
    "webhook_timeout_ms": lambda k, v: integer(k, v, 1),
    "webhook_max_attempts": lambda k, v: integer(k, v, 1),
    "webhook_retry_ms": lambda k, v: integer(k, v, 0),
    "webhook_private_key_file": optional_str,
    "webhook_app_id": lambda k, v: wh.optional_guid(k, v, SettingsError),
    "webhook_instance_ids": lambda k, v: wh.instance_ids(k, v, SettingsError),
    "webhook_log_max_entries": lambda k, v: integer(k, v, 1),
    "webhook_log_max_bytes": lambda k, v: integer(k, v, 1024),
    "data_dir": optional_str,
    "data_dir_fsync": parse_bool,
    "journal": parse_bool,
    "journal_max_entries": lambda k, v: integer(k, v, 1),
    "journal_max_bytes": lambda k, v: integer(k, v, 64 * 1024),
    "journal_body_bytes": lambda k, v: integer(k, v, 0),
    "mode": choice(MODES),
    "rate_limit": rate_limit,
    "rate_limit_by": choice(RATE_LIMIT_KEYS),
    "max_media_request_bytes": lambda k, v: integer(k, v, 1024),
    "max_string_length": lambda k, v: integer(k, v, 1),
    "max_items_per_request": lambda k, v: integer(k, v, 1),
    "max_sites": lambda k, v: integer(k, v, 1),
    "max_galleries_per_site": lambda k, v: integer(k, v, 1),
    "max_stored_bytes": lambda k, v: integer(k, v, 0),
    "event_log_max_count": lambda k, v: integer(k, v, 1),
    "event_log_max_bytes": lambda k, v: integer(k, v, 1024),
    "error_log_max_count": lambda k, v: integer(k, v, 1),
    "error_log_max_bytes": lambda k, v: integer(k, v, 1024),
    "wire_log_max_bytes": lambda k, v: integer(k, v, 1024),
    "control_token": optional_str,
    "allowed_hosts": host_names,
    "server_connection_limit": lambda k, v: integer(k, v, 1),
    "server_channel_timeout": lambda k, v: integer(k, v, 1),
    "server_max_header_bytes": lambda k, v: integer(k, v, 1024),
}
assert set(_PARSERS) == set(Settings._fields)
