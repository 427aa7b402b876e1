"""The fake's lock in durable mode: a re-entrant lock that commits on release.

Every write of the fake runs under one re-entrant lock (`FakeGallery.lock`).
With a data dir that lock is a `CommitLock`: when the outermost `with` block
of a thread ends, it calls `on_release()` (the durable sink's flush) while it
still holds the lock. So the changes a write made reach the disk inside the
same critical section, before the request that made them is answered, and no
other write can slip in between. Without a data dir the fake uses a plain
RLock and none of this runs.

It only works as a context manager, which is how the package uses every lock:
the commit point is found by counting `with` blocks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType


class CommitLock:
    """A re-entrant lock whose outermost release runs `on_release` first."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._owner: int | None = None
        #: Called at the end of each outermost `with` block, lock held.
        self.on_release: Callable[[], None] | None = None

    def owned(self) -> bool:
        """True when the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    def __enter__(self) -> bool:
        self._lock.acquire()
        if self._depth == 0:
            self._owner = threading.get_ident()
        self._depth += 1
        return True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if self._depth == 1 and self.on_release is not None:
                self.on_release()
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
            self._lock.release()
