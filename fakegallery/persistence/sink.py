"""Collect what writes change and store it: the durable sink of one fake.

Components report changed keys to `Durable.changed` while a write holds the
fake's lock; when the write's outermost lock block ends, `CommitLock` calls
`flush`, which reads the current value of each changed key from memory and
writes those rows (and deletes the rows of entries that are gone) in one
SQLite transaction. A write therefore costs a few rows, whatever the size of
the state; a reset, a restore or a dropped site rewrites what it touched.

If the disk write fails the request answers 500 STORAGE_FAILED and the changed
keys stay pending: the next write that succeeds stores them too, so memory and
disk meet again and no change is ever half stored.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from ..errors import StorageFailed
from ..state.commit import CommitLock
from . import rows as adapters
from .datadir import Database, DataDirError, Write, open_data_dir

if TYPE_CHECKING:
    from ..fake import FakeGallery

Mark = tuple[str | None, str | None]  # (site, key); None, None = everything

_INSERT = "INSERT INTO rows VALUES (?, ?, ?, ?, ?)"
# An equal row is left alone: no page is written for it.
_UPSERT = (
    _INSERT + " ON CONFLICT (component, site, key) DO UPDATE"
    " SET meta = excluded.meta, payload = excluded.payload"
    " WHERE meta IS NOT excluded.meta OR payload IS NOT excluded.payload"
)
_DELETE_ALL = "DELETE FROM rows WHERE component = ?"
_DELETE_SITE = "DELETE FROM rows WHERE component = ? AND site = ?"
_DELETE_ROW = "DELETE FROM rows WHERE component = ? AND site = ? AND key = ?"
_SET_META = "INSERT OR REPLACE INTO meta VALUES (?, ?)"


class Durable:
    """The data dir of one running fake (`fake.durable`)."""

    def __init__(
        self,
        database: Database,
        tracked: dict[str, adapters.RowAdapter],
        lock: CommitLock,
    ) -> None:
        self.database = database
        self.root = database.root
        #: True when this start opened a new data dir (start-up data loads).
        self.fresh = database.fresh
        self._adapters = tracked
        #: Components stored with every write, whatever changed (rows.IdsRows).
        self._every_write = [
            name
            for name, rows in tracked.items()
            if getattr(rows, "every_write", False)
        ]
        self._lock = lock
        # Insertion-ordered: rows added in one flush keep the order of the changes.
        self._pending: dict[str, dict[Mark, None]] = {}
        self._meta: dict[str, str] = {}
        self._closed = False

    # --- collecting ----------------------------------------------------------------

    def changed(
        self, component: str, site: str | None = None, key: str | None = None
    ) -> None:
        if self._lock.owned():
            self._mark(component, site, key)
        else:  # a change outside any write (the clock from the control plane)
            with self._lock:
                self._mark(component, site, key)

    def _mark(self, component: str, site: str | None, key: str | None) -> None:
        mark = (None, None) if site is None else (site, key)
        self._pending.setdefault(component, {})[mark] = None

    def initialized(self) -> None:
        """Record (with the next write) that the start-up data was loaded."""
        self._meta["initialized"] = "1"

    # --- storing -------------------------------------------------------------------

    def flush(self) -> None:
        """Store every pending change in one transaction. Called by the
        CommitLock as a write's outermost block ends, so the lock is held."""
        if not self._pending and not self._meta:
            return
        with self._lock:  # a no-op re-entry normally; guards a direct call
            self._flush()

    def _flush(self) -> None:
        if self._closed:  # this write cannot be stored, and no later one
            self._pending.clear()
            self._meta.clear()
            raise StorageFailed(f"the data dir {self.root} is closed")
        if self._pending:
            # e.g. where both id streams stand: event ids come from the request
            # stream, which reads move too, and must not repeat after a crash.
            for name in self._every_write:
                self._mark(name, None, None)
        writes = [
            w for name, marks in self._pending.items() for w in self._plan(name, marks)
        ]
        writes.append((_SET_META, list(self._meta.items())))
        try:
            self.database.write(writes)
        except sqlite3.Error as exc:
            for rows in self._adapters.values():
                if hasattr(rows, "forget"):  # nothing it wrote was stored
                    rows.forget()
            raise StorageFailed(
                f"cannot write to the data dir {self.root}: {exc}"
            ) from exc
        self._pending.clear()
        self._meta.clear()

    def _plan(self, name: str, marks: dict[Mark, None]) -> list[Write]:
        rows = self._adapters[name]
        if (None, None) in marks:
            every = [(name, *row) for row in rows.rows(None)]
            if isinstance(rows, adapters.WholeRows):  # app-wide: keys stay
                return [(_UPSERT, every)]
            return [(_DELETE_ALL, [(name,)]), (_INSERT, every)]
        writes: list[Write] = []
        whole = {site for site, key in marks if key is None}
        for site in whole:
            fresh = [(name, *row) for row in rows.rows(site)]
            writes += [(_DELETE_SITE, [(name, site)]), (_INSERT, fresh)]
        upserts: list[tuple[Any, ...]] = []
        deletes: list[tuple[Any, ...]] = []
        for site, key in marks:
            if site is None or key is None or site in whole:
                continue
            row = rows.row(site, key)
            if row is None:
                deletes.append((name, site, key))
            else:
                upserts.append((name, *row))
        return [*writes, (_DELETE_ROW, deletes), (_UPSERT, upserts)]

    def close(self) -> None:
        """Store the last changes (and where the request ids stand), then
        release the data dir. Later writes answer 500 STORAGE_FAILED."""
        with self._lock:
            if self._closed:
                return
            for name in self._every_write:
                self._mark(name, None, None)
            try:
                self.flush()
            finally:
                self._closed = True
                self.database.close()


def attach(fake: FakeGallery) -> Durable:
    """Open the fake's data dir (`DATA_DIR`), load what it holds into the
    components and store every later change there."""
    lock = fake.commit_lock
    if lock is None:
        raise TypeError("durable mode needs the fake's CommitLock (DATA_DIR)")
    settings = fake.settings
    assert settings.data_dir is not None
    database = open_data_dir(settings.data_dir, settings.data_dir_fsync)
    try:
        tracked = [c for c in fake.components if hasattr(c, "changes")]
        rows = {c.name: adapters.adapter(c) for c in tracked}
        _load(database, rows)
    except BaseException:
        database.close()
        raise
    durable = Durable(database, rows, lock)
    for component in tracked:
        component.changes = durable
    lock.on_release = durable.flush
    return durable


def _load(database: Database, rows: dict[str, adapters.RowAdapter]) -> None:
    stored = database.read()
    for name, adapter in rows.items():
        found = stored.get(name)
        if not found:
            continue
        try:
            adapter.load(found)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            # orjson.JSONDecodeError and BadRow are ValueErrors
            raise DataDirError(
                f"{database.root}: the stored {name} cannot be read ({exc}); "
                "the data dir was left as it is"
            ) from None
