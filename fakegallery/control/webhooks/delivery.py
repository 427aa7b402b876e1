"""Sending webhooks: the HTTP sender and the dispatcher that decides when each
pending delivery is attempted (docs/webhooks.md).

Modes (the setting WEBHOOK_DELIVERY, changeable at run time):

- ``sync``: attempts run in the caller's thread. The API call that published
  an event sends it after the fake's lock is released and before it answers
  (`deliver_now`, called by the app after every request); retries that are
  due go out at the next such point, at a clock change made through the
  handle or /_fake/clock, and on flush.
- ``async``: one background thread sends, oldest first; the API never waits.
  It hands the signing and the POST to a helper process (sender_process.py),
  so they take no time from the API calls running meanwhile.
- ``paused``: nothing is sent until `flush`.

A failed attempt (non-2xx, timeout, refused connection) is retried after
WEBHOOK_RETRY_MS, doubling each time (at most an hour), on the fake's clock:
with a frozen clock a retry is due only when the clock is advanced. After
WEBHOOK_MAX_ATTEMPTS the delivery is dead. No HTTP happens under the fake's
lock: events are only queued while it is held.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any, ClassVar

from ...state.clock import Clock, format_precise
from .entries import DEAD, DELIVERED, PENDING, Attempt, Delivery
from .log import DeliveryLog
from .sender import Sender
from .sender_process import SenderProcess, SenderProcessError

Json = dict[str, Any]
logger = logging.getLogger("fakegallery")

SYNC, ASYNC, PAUSED = "sync", "async", "paused"
MODES = (SYNC, ASYNC, PAUSED)
MAX_RETRY_DELAY_MS = 3_600_000
#: Ids a thread keeps of its own new deliveries (sync mode).
MAX_QUEUED = 10_000


class Dispatcher:
    """Attempts pending deliveries by mode. A component (its state is the
    mode; the deliveries are the log's)."""

    name: ClassVar[str] = "webhookDelivery"

    def __init__(
        self,
        *,
        log: DeliveryLog,
        sender: Sender,
        sign: Callable[[str], str],
        clock: Clock,
        mode: str,
        max_attempts: int,
        retry_ms: int,
        record_error: Callable[[BaseException], None],
        make_process: Callable[[], SenderProcess] | None = None,
    ) -> None:
        self.log = log
        self.sender = sender
        self.sign = sign
        self.clock = clock
        self.configured_mode = mode
        self.mode = mode
        self.max_attempts = max_attempts
        self.retry_ms = retry_ms
        self.record_error = record_error
        self._make_process = make_process
        self._process: SenderProcess | None = None
        self._process_failures = 0
        self._cond = threading.Condition()
        self._signals = 0
        #: The running worker and the flag that stops it (one per worker, so
        #: a worker still finishing its last attempt never resumes).
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()
        self._local = threading.local()

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        self.set_mode(self.configured_mode)

    def drop_site(self, site_id: str) -> None:
        """The mode is app-wide."""

    def dump(self) -> Json:
        return {"mode": self.mode}

    def restore(self, data: Json) -> None:
        self.set_mode(data.get("mode", self.configured_mode))

    # --- mode and the worker ----------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"webhook delivery mode must be one of {MODES}")
        self.mode = mode
        if mode == ASYNC:
            self._ensure_worker()
        self.wake()

    def wake(self) -> None:
        """Make the worker look again (new deliveries, a clock change)."""
        with self._cond:
            self._signals += 1
            self._cond.notify_all()

    def _ensure_worker(self) -> None:
        with self._cond:
            if self._worker is not None and self._worker.is_alive():
                return
            self._stop = threading.Event()
            self._worker = threading.Thread(
                target=self._run,
                args=(self._stop,),
                name="fakegallery-webhooks",
                daemon=True,
            )
            self._worker.start()

    def close(self, timeout: float | None = None) -> None:
        """Stop the worker (an attempt in progress ends first); pending
        deliveries stay pending. A later async delivery starts a new one."""
        with self._cond:
            worker, self._worker = self._worker, None
            self._stop.set()
            self._cond.notify_all()
        if worker is not None:
            worker.join(timeout or self.sender.timeout_ms / 1000 + 5)
        if self._process is not None:
            self._process.close()
            self._process = None
        self.sender.close()

    def _run(self, stop: threading.Event) -> None:
        while True:
            with self._cond:
                if stop.is_set():
                    return
                seen = self._signals
            due_at = None
            if self.mode == ASYNC:
                entry = self.log.claim_due(self.clock.now())
                if entry is not None:
                    self._attempt(entry, self._sending_process())
                    continue
                due_at = self.log.next_due()
            wait: float | None = None
            if due_at is not None and not self.clock.frozen:
                wait = max((due_at - self.clock.now()).total_seconds(), 0.0)
            with self._cond:
                if self._signals == seen and not stop.is_set():
                    self._cond.wait(wait)

    # --- entry points ---------------------------------------------------------------

    def submit(self, entries: Iterable[Delivery]) -> None:
        """New deliveries (called while the fake's lock is held: no HTTP)."""
        if self.mode == SYNC:
            queued: list[str] = self._local.__dict__.setdefault("queued", [])
            queued.extend(e.id for e in entries)
            # A thread that publishes outside requests may never reach
            # deliver_now; its deliveries are due anyway and go out at the
            # next one anywhere, so only the newest ids are worth keeping.
            del queued[:-MAX_QUEUED]
        elif self.mode == ASYNC:
            self._ensure_worker()
            self.wake()

    def deliver_now(self) -> None:
        """The sync mode's delivery point: send what this thread queued (and
        wait for any of it another thread is sending), then whatever is due.
        Call it without holding the fake's lock."""
        queued: list[str] = self._local.__dict__.pop("queued", [])
        if self.mode != SYNC:
            if queued and self.mode == ASYNC:
                self.wake()
            return
        if queued:
            for entry in self.log.claim(queued):
                self._attempt(entry)
            self.log.wait_settled(queued, self._settle_timeout())
        while (due := self.log.claim_due(self.clock.now())) is not None:
            self._attempt(due)

    def flush(self) -> Json:
        """Attempt every pending delivery now, in this thread, due or not;
        then wait for attempts other threads had in progress."""
        pending = self.log.pending_ids()
        claimed = self.log.claim(pending)
        outcomes = [self._attempt(entry) for entry in claimed]
        self.log.wait_settled(pending, self._settle_timeout())
        return {
            "attempted": len(claimed),
            "delivered": outcomes.count(DELIVERED),
            "failed": len(claimed) - outcomes.count(DELIVERED),
        }

    def _settle_timeout(self) -> float:
        return self.sender.timeout_ms / 1000 * 2 + 5

    # --- one attempt ------------------------------------------------------------------

    def retry_delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt."""
        ms = min(self.retry_ms * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS)
        return timedelta(milliseconds=ms)

    #: After this many failures in a row the worker sends in-process for good.
    MAX_PROCESS_FAILURES = 3

    def _sending_process(self) -> SenderProcess | None:
        if (
            self._make_process is None
            or self._process_failures >= self.MAX_PROCESS_FAILURES
        ):
            return None
        if self._process is None:
            self._process = self._make_process()
        return self._process

    def _send(self, entry: Delivery, process: SenderProcess | None) -> Any:
        """Sign and POST, in the helper process when given (falling back to
        this thread if it fails): (token, status, error, response)."""
        if process is not None:
            try:
                outcome = process.attempt(entry.url, entry.payload)
            except SenderProcessError as exc:
                self._process_failures += 1
                logger.warning("%s; sending this webhook in-process", exc)
            else:
                self._process_failures = 0
                return outcome
        token = self.sign(entry.payload)
        return (token, *self.sender.post(entry.url, token))

    def _attempt(self, entry: Delivery, process: SenderProcess | None = None) -> str:
        """POST a claimed delivery once and record the outcome; never raises."""
        at = format_precise(self.clock.now())
        started = time.perf_counter()
        token = entry.token
        try:
            token, status, error, response = self._send(entry, process)
        except Exception as exc:  # a bug in the fake, never the receiver's fault
            self.record_error(exc)
            status, error, response = None, f"internal error in the fake: {exc!r}", None
        took = round((time.perf_counter() - started) * 1000, 1)
        attempt = Attempt(at, took, status, error, response)
        count = len(entry.attempts) + 1
        next_at = None
        if status is not None and 200 <= status < 300:
            state = DELIVERED
        elif count >= self.max_attempts:
            state = DEAD
        else:
            state = PENDING
            next_at = self.clock.now() + self.retry_delay(count)
        self.log.finish(entry, attempt, token, state, next_at)
        if state == PENDING:
            self.wake()
        return state
