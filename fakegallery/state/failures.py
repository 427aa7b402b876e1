"""Unexpected exceptions the fake raised while serving (each answered 500).

The pytest plugin takes them after each test and fails the test that caused
them; a long-running dev server keeps only the most recent ones, bounded by
count and by bytes (settings ERROR_LOG_MAX_COUNT, ERROR_LOG_MAX_BYTES), with
the number dropped. A recorded exception keeps its traceback for the report
but not the local variables of its frames (a request body, the app), so a
kept error costs about its formatted text. A component: its dump is the
formatted tracebacks (exceptions cannot be restored, so a restore only keeps
the count of what was dropped).
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from typing import Any, ClassVar

Json = dict[str, Any]

#: How many exceptions, and how many bytes of formatted tracebacks, are kept
#: before the oldest is dropped.
MAX_ERRORS = 100
MAX_ERROR_BYTES = 1024 * 1024
#: What a kept exception costs beyond its formatted text.
ERROR_OVERHEAD = 1024


class OversizedServerError(RuntimeError):
    """Stands in for an exception whose report is too large to keep whole
    (say, a message that quotes a large request): its text, shortened."""


class ServerErrors:
    name: ClassVar[str] = "errors"

    def __init__(
        self, max_errors: int = MAX_ERRORS, max_bytes: int = MAX_ERROR_BYTES
    ) -> None:
        self._lock = threading.Lock()
        self.max_errors = max_errors
        self.max_bytes = max_bytes
        self._errors: deque[tuple[BaseException, str]] = deque()
        self._bytes = 0
        self.dropped = 0

    def reset(self) -> None:
        with self._lock:
            self._errors.clear()
            self._bytes = 0
            self.dropped = 0

    def drop_site(self, site_id: str) -> None:
        """Errors belong to the server, not to a site."""

    def dump(self) -> Json:
        with self._lock:
            return {
                "errors": [text for _, text in self._errors],
                "dropped": self.dropped,
            }

    def restore(self, data: Json) -> None:
        with self._lock:
            self._errors.clear()
            self._bytes = 0
            self.dropped = int(data.get("dropped", 0)) + len(data.get("errors", ()))

    @property
    def stored_bytes(self) -> int:
        with self._lock:
            return self._bytes

    def record(self, error: BaseException) -> None:
        """Keep `error` (its frames' locals released); drop the oldest errors
        past the count or byte bound. The newest error is always kept."""
        text = "".join(traceback.format_exception(error))
        _release_frames(error)
        largest = max(self.max_bytes // 8, 1024)
        if len(text) > largest:
            head = text[: largest // 2]
            tail = text[-largest // 2 :]
            cut = len(text) - len(head) - len(tail)
            text = f"{head}\n… ({cut} characters cut) …\n{tail}"
            error = OversizedServerError(text)
        size = ERROR_OVERHEAD + len(text)
        with self._lock:
            self._errors.append((error, text))
            self._bytes += size
            while len(self._errors) > 1 and (
                len(self._errors) > self.max_errors or self._bytes > self.max_bytes
            ):
                _, old = self._errors.popleft()
                self._bytes -= ERROR_OVERHEAD + len(old)
                self.dropped += 1

    def take(self) -> list[BaseException]:
        """Return and forget the recorded exceptions."""
        with self._lock:
            taken = [error for error, _ in self._errors]
            self._errors.clear()
            self._bytes = 0
            return taken


def _release_frames(error: BaseException) -> None:
    """Clear the local variables of every finished frame in the tracebacks of
    `error` and the exceptions chained to it (frames still running are left)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        pending.extend((current.__cause__, current.__context__))
