"""Applying a checked export document, and replacing one site.

An import is all or nothing: the document is checked whole first (checks.py),
then applied under the fake's lock; should applying still fail, the state is
put back as it was. With a data dir the whole import is one transaction.

- mode "all": the document replaces everything it covers (every site, the
  clock, the id generator, extra parts); the event log is cleared.
- mode "sites": only the sites in the document are replaced, each wholly;
  other sites, the clock and the ids stay as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..seeding.fixtures import store_site
from ..state.component import Component
from ..state.sites import SiteCopy
from .checks import Checked

if TYPE_CHECKING:
    from ..fake import FakeGallery

Json = dict[str, Any]


def apply(fake: FakeGallery, checked: Checked) -> Json:
    """Apply a checked document; returns what it now holds."""
    with fake.lock:
        saved = _Checkpoint(fake)
        try:
            if checked.mode == "all":
                for site_id in fake.sites.site_ids():
                    fake.sites.clear(site_id)
                for component in saved.app_wide(fake):
                    component.reset()
                fake.events.reset()
                if checked.clock is not None:
                    fake.clock.restore(checked.clock)
                if checked.ids is not None:
                    fake.ids.restore(checked.ids)
            for site_id, data in checked.sites:
                replace_site(fake, site_id, data, exact=True)
            parts = {c.name: c for c in fake.components}
            for name, part in checked.parts.items():
                parts[name].import_part(part)  # type: ignore[attr-defined]
        except BaseException:
            saved.rollback(fake)
            raise
        copies = [fake.sites.copy(site_id) for site_id, _data in checked.sites]
    return {
        "mode": checked.mode,
        "siteIds": [site_id for site_id, _data in checked.sites],
        "galleries": sum(len(c.galleries) for c in copies),
        "items": sum(c.item_count for c in copies),
        "media": sum(len(c.media) for c in copies),
    }


def replace_site(
    fake: FakeGallery,
    site_id: str,
    data: Json,
    *,
    exact: bool,
    keep_absent: bool = False,
) -> None:
    """Replace one site with checked site data. `keep_absent`: parts the data
    does not mention (`published`, `media`, `pages`) stay as they were."""
    with fake.lock:
        before = fake.sites.copy(site_id)
        fake.sites.clear(site_id)
        if keep_absent:
            fake.sites.put(
                site_id,
                before,
                data=False,
                published="published" not in data,
                widgets="pages" not in data,
                media="media" not in data,
            )
        store_site(fake, site_id, data, exact)


class _Checkpoint:
    """Enough to put the imported components back: site copies (shared,
    immutable values) and the dumps of the app-wide components."""

    def __init__(self, fake: FakeGallery) -> None:
        self.sites: list[tuple[str, SiteCopy]] = [
            (s, fake.sites.copy(s)) for s in fake.sites.site_ids()
        ]
        self.others = {c.name: c.dump() for c in self.app_wide(fake)}

    @staticmethod
    def app_wide(fake: FakeGallery) -> list[Component]:
        """The stored components that are not per site (clock, ids, ...)."""
        per_site = (fake.store, fake.live, fake.media)
        return [
            c for c in fake.components if hasattr(c, "changes") and c not in per_site
        ]

    def rollback(self, fake: FakeGallery) -> None:
        # Site by site rather than a reset: the store's creation counter must
        # stay above the restored entries.
        for site_id in fake.sites.site_ids():
            fake.sites.clear(site_id)
        for site_id, copy in self.sites:
            fake.sites.put(site_id, copy)
        for component in fake.components:
            if component.name in self.others:
                component.restore(self.others[component.name])
