"""Typed settings of one fake: defaults, environment (FAKEGALLERY_*) and overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

READ = "PRO_GALLERY.READ"
MANAGE = "PRO_GALLERY.MANAGE"
PERMISSIONS = frozenset({READ, MANAGE})

AUTH_MODES = ("open", "strict", "off")

# The site that requests without a `wix-site-id` header address (spec §3.1 says
# Wix answers 403 there; we default to a site so that a bare curl works).
DEFAULT_SITE_ID = "2f6b3c1e-5d1a-4c7e-9b61-0a2d3e4f5a6b"


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
    #: spec §6.1 / §12.1: items are listed ascending by sortOrder unless True.
    item_sort_desc: bool = False
    #: spec §6.1 / §12.3: reject a duplicate sortOrder with 409.
    reject_duplicate_sort_order: bool = True
    #: spec §5.2 / §12.13: max itemLimit of getGallery and listGalleryItems.
    max_item_limit: int = 200
    #: spec §6.6: the SDK sends altText/filename "undefined"; store them as absent.
    drop_undefined_strings: bool = True
    #: Seed of ids and generated data; None draws one at random.
    seed: int | None = None
    #: RFC3339 instant to freeze the clock at; None follows the wall clock.
    frozen_time: str | None = None
    #: Fixture files or names to load at start.
    fixtures: tuple[str, ...] = ()
    #: Append every request/response as one JSON line to this file (wirelog.py).
    wire_log: str | None = None
    #: Seeds 002/004: images must be in the site's Media Manager first. When
    #: True, an image whose imageInfo.id is not in the library is a 400.
    strict_media: bool = False
    #: Let a request send `X-Fake-Elevate: true` to use a permission its key
    #: lacks for that one call, like Velo's wix-auth elevate() (seed 002).
    allow_elevate: bool = True

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> Settings:
        """Build settings from Flask-style upper-case keys; unknown keys are ignored."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f.name.upper()
            if key in config:
                values[f.name] = config[key]
        if "api_keys" in values:
            values["api_keys"] = _parse_api_keys(values["api_keys"])
        if "fixtures" in values:
            raw = values["fixtures"]
            values["fixtures"] = (raw,) if isinstance(raw, str) else tuple(raw)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Fail at start-up, with the key's name, on a setting that cannot work."""
        if self.auth not in AUTH_MODES:
            raise ValueError(f"AUTH must be one of {AUTH_MODES}, not {self.auth!r}")
        if not isinstance(self.max_item_limit, int) or self.max_item_limit < 1:
            raise ValueError("MAX_ITEM_LIMIT must be a positive integer")
        if self.seed is not None and not isinstance(self.seed, int):
            raise ValueError("SEED must be an integer")
        for flag in ("strict_media", "allow_elevate"):
            if not isinstance(getattr(self, flag), bool):
                raise ValueError(f"{flag.upper()} must be true or false")


def _parse_api_keys(raw: Any) -> dict[str, ApiKey]:
    if not isinstance(raw, Mapping):
        raise ValueError("API_KEYS must map a key to {siteId, permissions}")
    keys: dict[str, ApiKey] = {}
    for name, spec in raw.items():
        if isinstance(spec, ApiKey):
            keys[name] = spec
            continue
        if not isinstance(spec, Mapping):
            raise ValueError(f"API_KEYS[{name!r}] must be an object")
        perms = frozenset(spec.get("permissions", [READ, MANAGE]))
        unknown = perms - PERMISSIONS
        if unknown:
            raise ValueError(
                f"API_KEYS[{name!r}]: unknown permissions {sorted(unknown)}; "
                f"use {sorted(PERMISSIONS)}"
            )
        keys[name] = ApiKey(site_id=spec.get("siteId"), permissions=perms)
    return keys
