"""The webhook part of the test handle (`GallerySite`): subscribe this site's
events, a built-in receiver, the delivery log and waiting for deliveries
(docs/webhooks.md). Everything is bound to the test's site and undone when the
test ends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .receiver import WebhookReceiver

if TYPE_CHECKING:
    from ..control.webhooks import Webhooks
    from ..control.webhooks.entries import Delivery
    from ..fake import FakeGallery

Json = dict[str, Any]


class WebhookTools:
    """Mixed into GallerySite, which provides `fake` and `site_id`."""

    fake: FakeGallery
    site_id: str

    def _init_webhooks(self) -> None:
        self._receivers: list[WebhookReceiver] = []
        self._mode_at_start = self.fake.webhooks.dispatcher.mode

    @property
    def _webhooks(self) -> Webhooks:
        return self.fake.webhooks

    def _send_webhooks(self) -> None:
        """Sync mode: send what this thread queued and what is due (after a
        change made without an HTTP request, e.g. a clock move)."""
        self._webhooks.dispatcher.deliver_now()

    # --- subscribing ------------------------------------------------------------------

    def subscribe(self, url: str, events: Iterable[str] | None = None) -> Json:
        """Send this site's events (all six, or the given event types) to
        `url` as signed webhooks; returns the subscription ``{id, url, …}``."""
        from ..control.webhooks.subscriptions import check_events, check_url

        chosen = check_events(list(events)) if events is not None else None
        sub = self._webhooks.subscriptions.add(check_url(url), chosen, self.site_id)
        return sub.to_dict()

    def unsubscribe(self, webhook_id: str) -> None:
        self._webhooks.subscriptions.remove(webhook_id)

    def webhook_receiver(
        self, events: Iterable[str] | None = None, status: int = 200
    ) -> WebhookReceiver:
        """A started loopback receiver subscribed to this site's events; it
        records every webhook and verifies them with the fake's key in
        `events()`. Closed when the test ends."""
        receiver = WebhookReceiver(
            self.webhook_public_key()["publicKey"], status=status
        )
        receiver.start()
        self._receivers.append(receiver)
        self.subscribe(receiver.url, events)
        return receiver

    def webhook_public_key(self) -> Json:
        """``{appId, publicKey (PEM), publicKeyBase64}``, as the receiver under
        test needs them."""
        return self._webhooks.public_key()

    # --- the delivery log -------------------------------------------------------------

    def _matcher(self, event_type: str | None, state: str | None) -> Any:
        site = self.site_id

        def match(d: Delivery) -> bool:
            return (
                d.site_id == site
                and event_type in (None, d.event_type)
                and state in (None, d.state)
            )

        return match

    def deliveries(
        self, event_type: str | None = None, state: str | None = None
    ) -> list[Json]:
        """This site's deliveries, oldest first: ``{id, url, eventType, state,
        attempts: [{at, status | error, durationMs}], event, jwt, …}``."""
        return self._webhooks.log.select(self._matcher(event_type, state))

    def wait_for_delivery(
        self,
        event_type: str | None = None,
        *,
        state: str | None = "delivered",
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Json]:
        """Block until `count` of this site's deliveries match (by default:
        delivered), for async mode; returns all that match. AssertionError
        after `timeout` seconds, with the log of this site."""
        self._send_webhooks()
        log = self._webhooks.log
        match = self._matcher(event_type, state)
        if not log.wait_for(lambda: len(log.matching(match)) >= count, timeout):
            lines = [
                f"  {d['id']} {d['eventType']} {d['state']} {d['attempts']}"
                for d in self.deliveries()
            ]
            raise AssertionError(
                f"expected {count} {state or 'any'} deliveries of "
                f"{event_type or 'any event'} within {timeout} s; the log of "
                f"site {self.site_id} has:\n" + ("\n".join(lines) or "  nothing")
            )
        return self.deliveries(event_type, state)

    def flush_webhooks(self) -> Json:
        """Attempt every pending delivery now (any mode, backoff ignored)."""
        return self._webhooks.dispatcher.flush()

    def set_webhook_mode(self, mode: str) -> None:
        """``"sync"``, ``"async"`` or ``"paused"``; the server's mode is
        restored when the test ends."""
        self._webhooks.dispatcher.set_mode(mode)

    def _close_webhooks(self) -> None:
        for receiver in self._receivers:
            receiver.close()
        self._receivers.clear()
        if self._webhooks.dispatcher.mode != self._mode_at_start:
            self._webhooks.dispatcher.set_mode(self._mode_at_start)
