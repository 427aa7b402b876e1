"""Fault rules from Python: the test handle's `fault` and `fail_next` build a
rule (the format of POST /_fake/faults, docs/journal-and-faults.md) bound to the
test's site and return a `FaultHandle`."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from ..control.fault_rules import parse_rule
from ..errors import InvalidArgument
from ..fake import FakeGallery
from .verify import UNSET

Json = dict[str, Any]


def build_rule(
    site_id: str,
    operation: str | None,
    *,
    method: str | None = None,
    path: str | None = None,
    prefix: str | None = None,
    status: int | None = None,
    code: str | None = None,
    message: str | None = None,
    body: Any = UNSET,
    headers: dict[str, str] | None = None,
    delay_ms: int | tuple[int, int] | list[int] | None = None,
    connection: str | None = None,
    times: int | None = None,
    after: int = 0,
    probability: float = 1.0,
    seed: int | None = None,
) -> Json:
    """A checked rule spec; ValueError names the bad argument's field."""
    match: Json = {"siteId": site_id}
    parts: tuple[tuple[str, Any], ...] = (
        ("operation", operation),
        ("method", method),
        ("path", path),
        ("prefix", prefix),
    )
    match.update((key, value) for key, value in parts if value is not None)
    action: Json = {}
    parts = (
        ("status", status),
        ("code", code),
        ("message", message),
        ("headers", headers),
        ("connection", connection),
    )
    action.update((key, value) for key, value in parts if value is not None)
    if delay_ms is not None:
        action["delayMs"] = list(delay_ms) if isinstance(delay_ms, tuple) else delay_ms
    if body is not UNSET:
        action["body"] = body
    data: Json = {"match": match, "action": action, "after": after}
    if times is not None:
        data["times"] = times
    if probability != 1.0:
        data["probability"] = probability
    if seed is not None:
        data["seed"] = seed
    try:
        return parse_rule(data)
    except InvalidArgument as exc:
        raise ValueError(exc.description) from None


class FaultHandle:
    """One fault rule: its `id`, live `hits` and `seen` counts, `active`
    (False once it fired `times` times), `remove()`. As a context manager it
    removes the rule on exit."""

    def __init__(self, fake: FakeGallery, rule_id: str) -> None:
        self.fake = fake
        self.id = rule_id

    def __repr__(self) -> str:
        return f"<FaultHandle {self.id} hits={self.hits}>"

    def record(self) -> Json:
        """The rule as GET /_fake/faults/<id> shows it; KeyError once removed."""
        rule = self.fake.faults.get(self.id)
        if rule is None:
            raise KeyError(f"fault rule {self.id} was removed")
        return rule.to_record()

    @property
    def hits(self) -> int:
        """How many calls the rule fired on."""
        value: int = self.record()["hits"]
        return value

    @property
    def seen(self) -> int:
        """How many calls matched it (fired or not)."""
        value: int = self.record()["seen"]
        return value

    @property
    def active(self) -> bool:
        value: bool = self.record()["active"]
        return value

    def remove(self) -> None:
        """Remove the rule (no error if it is already gone)."""
        self.fake.faults.remove(self.id)

    def __enter__(self) -> FaultHandle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()
