"""The data dir's file format: one SQLite database, versioned, with upgrades.

The database header carries the format: `application_id` marks the file as a
fakegallery data dir and `user_version` is the format version. Version 1 (the
first released format) has two tables:

- ``meta(key, value)``: facts about the data dir (which fakegallery created it,
  whether its start-up data was loaded);
- ``rows(component, site, key, meta, payload)``: the state, one row per entry
  of a component (a gallery, an item, a media file, a site's live-site state,
  the clock, the id generator). `meta` is small JSON, `payload` raw bytes (an
  item's wire JSON exactly as served, a media file), `site` is "" for app-wide
  rows. Row order (rowid) is the order entries were added.

A data dir of an older version is upgraded at start-up by the steps in
`MIGRATIONS` (after a backup copy, in one transaction); a newer one is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: "FGLY" in the database header: the file is a fakegallery data dir.
APPLICATION_ID = 0x46474C59
#: The format this version writes. Bump it with a step in MIGRATIONS.
FORMAT_VERSION = 1

_SCHEMA_V1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE rows ("
    " component TEXT NOT NULL, site TEXT NOT NULL, key TEXT NOT NULL,"
    " meta BLOB NOT NULL, payload BLOB,"
    " PRIMARY KEY (component, site, key))",
)

Step = Callable[[sqlite3.Connection], None]

#: version → the step that turns a database of that version into the next
#: version. Each runs inside the upgrade's transaction.
MIGRATIONS: dict[int, Step] = {}


def create(conn: sqlite3.Connection) -> None:
    """The current schema in an empty database (inside a transaction)."""
    for statement in _SCHEMA_V1:
        conn.execute(statement)
    # Later formats: create version 1, then run the steps up to FORMAT_VERSION,
    # so a new data dir and an upgraded one always have the same schema.
    for version in range(1, FORMAT_VERSION):
        MIGRATIONS[version](conn)
    stamp(conn, FORMAT_VERSION)


def stamp(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {int(version)}")


def upgrade(conn: sqlite3.Connection, found: int) -> None:
    """Run every step from version `found` to FORMAT_VERSION (inside a
    transaction); a missing step is a KeyError naming the version."""
    for version in range(found, FORMAT_VERSION):
        step = MIGRATIONS.get(version)
        if step is None:
            raise KeyError(f"no upgrade from format {version}")
        step(conn)
    stamp(conn, FORMAT_VERSION)
