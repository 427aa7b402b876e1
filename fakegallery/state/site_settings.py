"""Per-site settings: the switches that make sense for one site, overridden for
that site only (docs/configuration.md, "Per-site settings").

A test asks for them through the pytest marker (``settings={...}``), anyone else
through ``PATCH /_fake/site/settings``. The rules, the store's item order and
the auth check read `of(site_id)` (or `switch`), which is the app's `Settings`
with the site's overrides applied. The other settings (auth mode and keys,
seed, clock, fixtures, limits of the HTTP layer) are app-wide. A component
(state/component.py): a site's overrides go with the site.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from ..config import Settings, SettingsError, parse_setting

Json = dict[str, Any]

#: The settings a site can override, by key.
PER_SITE = (
    "ITEM_SORT_DESC",
    "REJECT_DUPLICATE_SORT_ORDER",
    "MAX_ITEM_LIMIT",
    "STRICT_MEDIA",
    "ALLOW_ELEVATE",
)


class SiteSettings:
    """The app's settings plus per-site overrides."""

    name: ClassVar[str] = "site_settings"

    def __init__(self, settings: Settings, lock: threading.RLock | None = None) -> None:
        self.settings = settings
        self.lock = lock or threading.RLock()
        #: site → {KEY: parsed value}; a site's dict is replaced, never changed.
        self._overrides: dict[str, dict[str, Any]] = {}
        #: site → the app settings with its overrides (built on first use).
        self._views: dict[str, Settings] = {}

    # --- reading ------------------------------------------------------------------

    def of(self, site_id: str) -> Settings:
        """The settings in force for `site_id`."""
        view = self._views.get(site_id)
        if view is not None:
            return view
        overrides = self._overrides.get(site_id)
        if not overrides:
            return self.settings
        view = self.settings._replace(
            **{key.lower(): value for key, value in overrides.items()}
        )
        self._views[site_id] = view
        return view

    def switch(self, site_id: str, name: str) -> Any:
        """One setting (lower-case attribute name) as in force for `site_id`."""
        return getattr(self.of(site_id), name)

    def overrides(self, site_id: str) -> dict[str, Any]:
        """What the site overrides, by key."""
        return dict(self._overrides.get(site_id, {}))

    def effective(self, site_id: str) -> dict[str, Any]:
        """Every per-site setting as in force for the site, by key."""
        view = self.of(site_id)
        return {key: getattr(view, key.lower()) for key in PER_SITE}

    # --- changing -----------------------------------------------------------------

    def update(self, site_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Apply `changes` (KEY → value, or None to go back to the app's value)
        to one site, all or nothing: every key and value is checked first
        (SettingsError naming the key). Returns the site's overrides."""
        checked = check_changes(changes)
        with self.lock:
            merged = dict(self._overrides.get(site_id, {}))
            for key, value in checked.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            self._set(site_id, merged)
            return dict(merged)

    def _set(self, site_id: str, overrides: dict[str, Any]) -> None:
        if overrides:
            self._overrides[site_id] = overrides
        else:
            self._overrides.pop(site_id, None)
        self._views.pop(site_id, None)

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self._overrides = {}
            self._views = {}

    def drop_site(self, site_id: str) -> None:
        with self.lock:
            self._set(site_id, {})

    def dump(self) -> Json:
        with self.lock:
            return {"sites": {s: dict(o) for s, o in self._overrides.items()}}

    def restore(self, data: Json) -> None:
        sites = {site: check_changes(o) for site, o in data["sites"].items()}
        with self.lock:
            self._overrides = {s: o for s, o in sites.items() if o}
            self._views = {}


def check_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Parse per-site changes by key (None kept: it clears an override). An
    unknown key gets a hint; an app-wide one says where it is set instead."""
    if not isinstance(changes, Mapping):
        raise SettingsError("per-site settings must be an object of KEY: value")
    checked: dict[str, Any] = {}
    for raw_key, value in changes.items():
        key = str(raw_key).upper()
        if key not in PER_SITE:
            if key in set(Settings.keys()):
                raise SettingsError(
                    f"{key} is app-wide, not per site: set it when the fake starts "
                    f"(create_app, --config, fakegallery_config); per site: "
                    f"{', '.join(PER_SITE)}"
                )
            Settings.from_mapping({}, [key])  # raises: unknown, with a hint
        checked[key] = None if value is None else parse_setting(key, value)
    return checked
