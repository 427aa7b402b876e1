"""The storage limits of one fake: how many sites, how many galleries per
site, how many stored bytes (settings MAX_SITES, MAX_GALLERIES_PER_SITE,
MAX_STORED_BYTES; docs/configuration.md, "Limits").

A write asks before it changes anything; a refusal is a 413 QUOTA_EXCEEDED and
leaves the state as it was. Not a component: it keeps no state of its own, it
reads the store, the live model and the media library. Fixture files and
restored dumps are the user's own data and are not limited.
"""

from __future__ import annotations

from typing import NamedTuple

from ..errors import QuotaExceeded
from .sites import SiteParts


class Limits(NamedTuple):
    max_sites: int
    max_galleries_per_site: int
    max_stored_bytes: int


class Quota:
    """Checks a write against the limits; each check raises QuotaExceeded.
    Call them under the fake's lock, just before the write."""

    def __init__(self, limits: Limits, sites: SiteParts) -> None:
        self.limits = limits
        self.sites = sites
        self.store = sites.store
        self.live = sites.live
        self.media = sites.media

    def site_ids(self) -> list[str]:
        """Every site that holds something (state/sites.py)."""
        return self.sites.site_ids()

    def knows(self, site_id: str) -> bool:
        return (
            self.store.has_site(site_id)
            or self.live.has_site(site_id)
            or self.media.has_site(site_id)
        )

    def admit_site(self, site_id: str) -> None:
        """A write is about to store something for `site_id`."""
        if self.knows(site_id):
            return
        limit = self.limits.max_sites
        if len(self.site_ids()) >= limit:
            raise QuotaExceeded(
                "MAX_SITES", limit, f"site '{site_id}' would be one site too many"
            )

    def admit_galleries(self, site_id: str, added: int) -> None:
        limit = self.limits.max_galleries_per_site
        if self.store.count_galleries(site_id) + added > limit:
            raise QuotaExceeded(
                "MAX_GALLERIES_PER_SITE",
                limit,
                f"site '{site_id}' cannot hold another gallery",
            )

    def stored_bytes(self) -> int:
        return self.store.stored_bytes() + self.media.stored_bytes()

    def admit_bytes(self, added: int) -> None:
        """A write is about to store `added` more bytes (negative: frees)."""
        if added <= 0:
            return
        limit = self.limits.max_stored_bytes
        used = self.stored_bytes()
        if used + added > limit:
            raise QuotaExceeded(
                "MAX_STORED_BYTES",
                limit,
                f"the fake holds {used} bytes and this write adds {added}",
            )
