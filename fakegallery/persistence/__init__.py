"""Durable mode: the fake's state in a data dir, written as each write happens.

Memory stays the read path; SQLite (standard library, WAL mode) is the durable
copy. Components report what a write changed (state/component.py `ChangeSink`),
the sink collects the changed keys, and the fake's `CommitLock` stores them in
one transaction when the write's outermost lock block ends: before the API
answers, inside the same critical section (docs/persistence.md).

- datadir.py: the directory, its lock file, opening and checking the database.
- migrations.py: the file format, its version and the upgrades between versions.
- rows.py: how each component's state maps to rows (and back at start-up).
- sink.py: collecting changes and writing them; `attach` wires it all up.
"""

from .datadir import DataDirError
from .sink import Durable, attach

__all__ = ["DataDirError", "Durable", "attach"]
