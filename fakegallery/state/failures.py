"""Unexpected exceptions the fake raised while serving (each answered 500).

The pytest plugin takes them after each test and fails the test that caused
them; a long-running dev server keeps only the most recent ones. A component:
its dump is the formatted tracebacks (exceptions cannot be restored, so a
restore only keeps the count of what was dropped).
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from typing import Any, ClassVar

Json = dict[str, Any]

#: How many exceptions are kept before the oldest is dropped.
MAX_ERRORS = 100


class ServerErrors:
    name: ClassVar[str] = "errors"

    def __init__(self, max_errors: int = MAX_ERRORS) -> None:
        self._lock = threading.Lock()
        self._errors: deque[BaseException] = deque(maxlen=max_errors)
        self.dropped = 0

    def reset(self) -> None:
        with self._lock:
            self._errors.clear()
            self.dropped = 0

    def drop_site(self, site_id: str) -> None:
        """Errors belong to the server, not to a site."""

    def dump(self) -> Json:
        with self._lock:
            return {
                "errors": [
                    "".join(traceback.format_exception(e)) for e in self._errors
                ],
                "dropped": self.dropped,
            }

    def restore(self, data: Json) -> None:
        with self._lock:
            self._errors.clear()
            self.dropped = int(data.get("dropped", 0)) + len(data.get("errors", ()))

    def record(self, error: BaseException) -> None:
        with self._lock:
            if len(self._errors) == self._errors.maxlen:
                self.dropped += 1
            self._errors.append(error)

    def take(self) -> list[BaseException]:
        """Return and forget the recorded exceptions."""
        with self._lock:
            taken = list(self._errors)
            self._errors.clear()
            return taken
