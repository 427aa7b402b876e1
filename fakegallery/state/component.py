"""The protocol every stateful part of the fake implements, and the one place
that applies an action to all of them.

A component is reset to what its constructor made, forgets one site, and turns
its state into plain JSON (`dump`) and back (`restore`). Export and the per-test
site cleanup go through `Components`, so adding a component (the journal, fault
rules, webhook subscriptions) means implementing these four methods and listing
it in `FakeGallery`.

A component whose state must survive a restart (durable mode, docs/persistence.md)
also has a `changes` attribute (a `ChangeSink`, `NO_CHANGES` until a data dir is
attached) and calls `self.changes.changed(self.name, ...)` after each change,
outside its own internal lock. That is all a new component needs: by default it
is stored as one row holding its `dump()` (fakegallery/persistence/rows.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar, Protocol

Json = dict[str, Any]


class ChangeSink(Protocol):
    """Where a component reports what a write changed, so that durable mode
    (fakegallery/persistence/) can store just that. `site` None means the
    whole component changed (reset, restore); `key` None means the whole site
    (dropped); both given name one entry, in the component's own key format."""

    def changed(
        self, component: str, site: str | None = None, key: str | None = None
    ) -> None: ...


class _NoChanges:
    """The sink of a memory-only fake: every report is dropped."""

    def changed(
        self, component: str, site: str | None = None, key: str | None = None
    ) -> None:
        pass


#: The default `changes` of every component that reports its changes.
NO_CHANGES: ChangeSink = _NoChanges()


class Component(Protocol):
    #: The key of the component's part in a dump.
    name: ClassVar[str]

    def reset(self) -> None:
        """Back to the state the constructor made."""

    def drop_site(self, site_id: str) -> None:
        """Forget everything kept for one site (a no-op for app-wide state)."""

    def dump(self) -> Json:
        """The component's whole state as plain JSON values."""

    def restore(self, data: Json) -> None:
        """Replace the state with one `dump` made (the inverse of `dump`)."""


class Components:
    """An ordered set of components acting as one."""

    def __init__(self, components: Iterable[Component]) -> None:
        self._all = tuple(components)
        names = [c.name for c in self._all]
        if len(set(names)) != len(names):
            raise ValueError(f"component names must be unique: {names}")

    def __iter__(self) -> Iterator[Component]:
        return iter(self._all)

    def reset(self) -> None:
        for component in self._all:
            component.reset()

    def drop_site(self, site_id: str) -> None:
        for component in self._all:
            component.drop_site(site_id)

    def dump(self) -> Json:
        return {c.name: c.dump() for c in self._all}

    def restore(self, data: Json) -> None:
        """Restore every component named in `data`; the others are reset, so
        the result never mixes an old state with a restored one."""
        for component in self._all:
            part = data.get(component.name)
            if part is None:
                component.reset()
            else:
                component.restore(part)
