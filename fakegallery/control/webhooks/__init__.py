"""Webhooks: the fake's domain events delivered as signed RS256 JWT POSTs in
Wix's envelope, as the official SDK's webhook handler accepts them
(docs/webhooks.md, docs/behaviour.md §8.3–§8.6).

`Webhooks` ties the parts together: an EventLog subscriber turns each event
into one delivery per matching subscription (subscriptions.py), the payload
is built once (envelope.py), and the dispatcher (delivery.py) signs
(signing.py) and sends it, recording every attempt in the delivery log
(log.py). The subscriptions, the log and the dispatcher's mode are state
components listed in FakeGallery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...config import Settings
from ...state.clock import Clock, Ids, format_precise
from ...state.component import Component
from ...state.events import Event, EventLog
from . import envelope, sender_process
from .delivery import Dispatcher
from .entries import PENDING, Delivery
from .log import DeliveryLog
from .sender import Sender
from .signing import SigningKey, require_crypto
from .subscriptions import Subscription, Subscriptions

Json = dict[str, Any]

__all__ = ["Webhooks"]


class Webhooks:
    """One app's webhook machinery."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock,
        ids: Ids,
        events: EventLog,
        record_error: Callable[[BaseException], None],
    ) -> None:
        self.clock = clock
        self.app = envelope.AppIdentity.create(
            ids, settings.webhook_app_id, settings.webhook_instance_ids
        )
        if settings.webhooks:  # without the extra: stop at start-up
            require_crypto()
        self.key = SigningKey(settings.webhook_private_key_file)
        self.subscriptions = Subscriptions(self._now, settings.webhooks)
        self.log = DeliveryLog(
            settings.webhook_log_max_entries, settings.webhook_log_max_bytes
        )
        self.dispatcher = Dispatcher(
            log=self.log,
            sender=Sender(settings.webhook_timeout_ms),
            sign=self._sign,
            clock=clock,
            mode=settings.webhook_delivery,
            max_attempts=settings.webhook_max_attempts,
            retry_ms=settings.webhook_retry_ms,
            record_error=record_error,
            make_process=self._sender_process if sender_process.available() else None,
        )
        events.subscribe(self.on_event)
        clock.on_change(self.dispatcher.wake)

    @property
    def components(self) -> tuple[Component, ...]:
        # The dispatcher last: restoring its mode may start sending the
        # restored log's pending deliveries.
        return (self.subscriptions, self.log, self.dispatcher)

    def _now(self) -> str:
        return format_precise(self.clock.now())

    def _sender_process(self) -> sender_process.SenderProcess:
        return sender_process.SenderProcess(
            self.key.private_pem(), self.dispatcher.sender.timeout_ms
        )

    def _sign(self, payload: str) -> str:
        return self.key.sign(envelope.claims(payload, self.clock.wall_seconds()))

    # --- from events to deliveries ----------------------------------------------------

    def on_event(self, event: Event) -> None:
        """EventLog subscriber: runs in the publishing thread, with the fake's
        lock held, so it only records and queues."""
        if not self.subscriptions:
            return
        targets = self.subscriptions.matching(event)
        if targets:
            payload = envelope.payload(event, self.app)
            self._queue(event, payload, targets)

    def _queue(
        self, event: Event, payload: str, targets: list[Subscription]
    ) -> list[Delivery]:
        now = self.clock.now()
        created = format_precise(now)
        subs = iter(targets)

        def make(delivery_id: str) -> Delivery:
            sub = next(subs)
            return Delivery(
                id=delivery_id,
                webhook_id=sub.id,
                url=sub.url,
                event_id=event.id,
                event_type=event.event_type,
                site_id=event.site_id,
                payload=payload,
                created_at=created,
                next_attempt_at=now,
            )

        added = self.log.add(make, len(targets))
        self.dispatcher.submit(added)
        return added

    def redeliver(self, delivery_id: str) -> Delivery:
        """Send a logged delivery again as a new delivery: same URL and the
        same data (that of the time of the event), a fresh token and fresh
        attempts. Works for delivered and dead deliveries alike."""
        old = self.log.get(delivery_id)
        now = self.clock.now()

        def make(new_id: str) -> Delivery:
            return Delivery(
                id=new_id,
                webhook_id=old.webhook_id,
                url=old.url,
                event_id=old.event_id,
                event_type=old.event_type,
                site_id=old.site_id,
                payload=old.payload,
                created_at=format_precise(now),
                next_attempt_at=now,
                state=PENDING,
                redelivery_of=old.id,
            )

        [added] = self.log.add(make)
        self.dispatcher.submit([added])
        return added

    # --- keys ---------------------------------------------------------------------

    def public_key(self) -> Json:
        """What a receiver needs to verify webhooks (docs/webhooks.md)."""
        return {
            "appId": self.app.app_id,
            "publicKey": self.key.public_pem,
            "publicKeyBase64": self.key.public_base64,
        }

    def close(self) -> None:
        self.dispatcher.close()
