"""A data dir on disk: the directory, its lock file and its database.

Opening checks everything before anything is written: a directory that holds
other files, a file that is not a fakegallery database, a damaged database or
one written by a newer fakegallery is a `DataDirError` with a one-line message,
and the files are left exactly as they were. Only one fake may hold a data dir
at a time: an exclusive lock on ``fakegallery.lock``, released by the operating
system when the process ends, even by `kill -9`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from . import migrations

DB_NAME = "fakegallery.db"
LOCK_NAME = "fakegallery.lock"
#: Files a data dir may hold besides the database (SQLite's own, and the
#: copies made before an upgrade).
_OWN_FILES = re.compile(
    rf"{re.escape(LOCK_NAME)}|{re.escape(DB_NAME)}(-wal|-shm|-journal)?"
    r"|fakegallery-v[0-9]+\.db"
)
_SQLITE_HEADER = b"SQLite format 3\x00"

Row = tuple[str, str, bytes, bytes | None]  # site, key, meta JSON, payload
Write = tuple[str, list[tuple[Any, ...]]]  # SQL, parameter rows


class DataDirError(ValueError):
    """A data dir that cannot be used; the message is one line naming it."""


def _damaged(db: Path, detail: object) -> DataDirError:
    return DataDirError(
        f"{db} is damaged or not a database ({detail}); it was left as it is: "
        "restore a backup, or move it away to start over"
    )


@dataclass
class Database:
    """An open, locked, checked data dir."""

    root: Path
    conn: sqlite3.Connection
    lock_file: IO[str]
    #: False once the data dir has had its start-up data (see Durable).
    fresh: bool

    def read(self) -> dict[str, list[Row]]:
        """Every stored row, by component, in the order they were added."""
        found: dict[str, list[Row]] = {}
        try:
            cursor = self.conn.execute(
                "SELECT component, site, key, meta, payload FROM rows ORDER BY rowid"
            )
            for component, site, key, meta, payload in cursor:
                found.setdefault(component, []).append((site, key, meta, payload))
        except sqlite3.DatabaseError as exc:
            raise _damaged(self.root / DB_NAME, exc) from None
        return found

    def write(self, writes: list[Write]) -> None:
        """Run the statements in one transaction (all or nothing)."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in writes:
                if params:
                    conn.executemany(sql, params)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            # Fold the write-ahead log back in: a stopped data dir is one file.
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()
        _unlock(self.lock_file)


def open_data_dir(path: str, fsync: bool = False) -> Database:
    """Create or open the data dir at `path`, lock it, check and upgrade its
    database. `fsync`: also sync every commit to the disk (power-loss safe)."""
    root = Path(path).expanduser()
    if root.exists() and not root.is_dir():
        raise DataDirError(f"{root} is not a directory")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(f"cannot create {root}: {exc.strerror or exc}") from None
    lock_file = _lock(root)
    try:
        conn, fresh = _open_database(root)
    except BaseException:
        _unlock(lock_file)
        raise
    conn.execute(f"PRAGMA synchronous = {'FULL' if fsync else 'NORMAL'}")
    return Database(root, conn, lock_file, fresh)


# --- the lock ---------------------------------------------------------------------


def _lock(root: Path) -> IO[str]:
    path = root / LOCK_NAME
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held open)
    except OSError as exc:
        raise DataDirError(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        _try_lock(handle)
    except OSError:
        handle.seek(0)
        owner = handle.read().strip()
        handle.close()
        by = f" (pid {owner})" if owner.isdigit() else ""
        raise DataDirError(
            f"{root} is in use by another fakegallery server{by}: stop it, or "
            "give this one another --data-dir"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _try_lock(handle: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: lock the first byte instead
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(handle: IO[str]) -> None:
    handle.close()  # closing the file releases the lock


# --- the database -----------------------------------------------------------------


def _open_database(root: Path) -> tuple[sqlite3.Connection, bool]:
    db = root / DB_NAME
    if db.is_dir():
        raise DataDirError(f"{db} is a directory, not a fakegallery database")
    if not db.exists():
        try:
            names = [p.name for p in root.iterdir()]
        except OSError as exc:
            raise DataDirError(f"cannot read {root}: {exc.strerror or exc}") from None
        others = sorted(n for n in names if not _OWN_FILES.fullmatch(n))
        if others:
            shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
            raise DataDirError(
                f"{root} is not a fakegallery data dir: it holds other files "
                f"({shown}) and no {DB_NAME}; give a new or empty directory"
            )
    else:
        try:
            with db.open("rb") as handle:
                head = handle.read(len(_SQLITE_HEADER))
        except OSError as exc:
            raise DataDirError(f"cannot read {db}: {exc.strerror or exc}") from None
        if head and head != _SQLITE_HEADER:
            raise _damaged(db, "no SQLite header")
    try:
        conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise DataDirError(f"cannot open {db}: {exc}") from None
    try:
        fresh = _check(conn, db)
    except BaseException:
        conn.close()
        raise
    return conn, fresh


def _check(conn: sqlite3.Connection, db: Path) -> bool:
    """Check (read-only) then prepare the database; True when it is new."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _damaged(db, exc) from None
    empty = app_id == 0 and version == 0 and tables == 0
    if not empty:
        if app_id != migrations.APPLICATION_ID:
            raise DataDirError(
                f"{db} is an SQLite database but not a fakegallery data dir; "
                "it was left as it is"
            )
        if version > migrations.FORMAT_VERSION:
            raise DataDirError(
                f"{db} was written by a newer fakegallery (data format {version}; "
                f"this one reads formats 1 to {migrations.FORMAT_VERSION}): "
                "upgrade fakegallery, or use another data dir"
            )
        if version < 1:
            raise _damaged(db, f"data format {version}")
        _quick_check(conn, db)
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.Error as exc:
        raise DataDirError(f"cannot write {db}: {exc}") from None
    if str(mode).lower() != "wal":
        raise DataDirError(f"cannot use write-ahead logging for {db} (got {mode})")
    if empty:
        _transaction(conn, db, _create)
        return True
    if version < migrations.FORMAT_VERSION:
        _backup(conn, db, version)
        _transaction(conn, db, lambda c: migrations.upgrade(c, version))
    row = conn.execute("SELECT value FROM meta WHERE key = 'initialized'").fetchone()
    return row is None


def _create(conn: sqlite3.Connection) -> None:
    from importlib.metadata import version

    migrations.create(conn)
    conn.execute(
        "INSERT INTO meta VALUES ('createdBy', ?)",
        (f"fakegallery {version('fakegallery')}",),
    )


def _quick_check(conn: sqlite3.Connection, db: Path) -> None:
    try:
        result = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise _damaged(db, exc) from None
    if result != ["ok"]:
        raise _damaged(db, "; ".join(map(str, result)))
    if not {"meta", "rows"} <= names:
        raise _damaged(db, "tables missing")


def _transaction(conn: sqlite3.Connection, db: Path, step: Any) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except (sqlite3.Error, KeyError) as exc:
        raise DataDirError(f"cannot prepare {db}: {exc}") from None


def _backup(conn: sqlite3.Connection, db: Path, version: int) -> None:
    """Copy the database before upgrading it: fakegallery-v<version>.db."""
    target = db.with_name(f"fakegallery-v{version}.db")
    if target.exists():
        return  # an earlier, interrupted upgrade already made the copy
    try:
        with contextlib.closing(sqlite3.connect(target)) as copy:
            conn.backup(copy)
    except sqlite3.Error as exc:
        raise DataDirError(f"cannot back up {db} before upgrading it: {exc}") from None
