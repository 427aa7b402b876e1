"""What a parity scenario is: named calls on a target (`Run`), the scenario's
markers (`Scenario`: the operations it covers, the behaviour it pins down,
known divergences) and the registry the scenarios module fills."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .normalise import Normaliser, sent_values
from .target import Exchange, Target

Json = dict[str, Any]


class Run:
    """One scenario on one target: the calls it made, named, normalised."""

    def __init__(self, target: Target, scenario: Scenario) -> None:
        self.target = target
        self.scenario = scenario
        self.exchanges: dict[str, Exchange] = {}
        self.sent: list[Any] = []

    def call(
        self,
        name: str,
        method: str,
        path: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Make a call, keep it under `name`, return its body."""
        exchange = self.target.call(method, path, json=json, params=params)
        self.sent.extend(sent_values(json))
        self.sent.extend(sent_values(params))
        self.exchanges[name] = exchange
        return exchange.body

    def recorded(self) -> Json:
        """Every call as `{status, requestId, body}`, normalised together."""
        norm = Normaliser(self.sent, self.scenario.mask_all_media_ids)
        out: Json = {}
        for name, exchange in self.exchanges.items():
            entry: Json = {"status": exchange.status}
            if exchange.request_id:
                entry["requestId"] = "<request-id>"
            entry["body"] = norm(exchange.body)
            out[name] = entry
        return out


@dataclass(frozen=True)
class Scenario:
    name: str
    operations: tuple[str, ...]
    behaviour: str
    steps: Callable[[Run], None]
    #: Needs the fake's own hooks (fixtures, the event record): real Wix has
    #: no such thing, so a real run skips it.
    fake_only: bool = False
    #: Mask every Wix media id, not only the server-chosen ones.
    mask_all_media_ids: bool = False
    #: Where the fake knowingly differs from Wix here, or cannot know.
    divergences: tuple[str, ...] = ()


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, operations: tuple[str, ...], behaviour: str, **options: Any
) -> Callable[[Callable[[Run], None]], Callable[[Run], None]]:
    """Register the decorated steps as a scenario."""

    def register(steps: Callable[[Run], None]) -> Callable[[Run], None]:
        SCENARIOS[name] = Scenario(name, operations, behaviour, steps, **options)
        return steps

    return register


def new_gallery(run: Run, name: str = "parity") -> str:
    body = run.call("create-gallery", "POST", "/galleries", {"gallery": {"name": name}})
    return str(body["gallery"]["id"])


def add_item(run: Run, gallery_id: str, item: Json, name: str = "create-item") -> Any:
    return run.call(name, "POST", f"/galleries/{gallery_id}/items", {"item": item})
