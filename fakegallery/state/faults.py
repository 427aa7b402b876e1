"""Fault rules: which API calls to fail, slow down or cut off, and how often
(docs/journal-and-faults.md#fault-injection).

A rule matches calls by operation id, method, path pattern, site and prefix;
it lets the first `after` matching calls through, then fires on each later one
with `probability` until it has fired `times` times. Its action is made of
small parts: an answer (a status with a Wix-shaped body, or a custom body and
headers), a delay, and a connection fault (`reset`, `empty`, `truncate`).

Rules are checked in the order they were added. Delays of every firing rule add
up; the first firing rule with an answer or a connection fault decides the
answer and ends the check. Each rule draws from its own generator, seeded from
the fake's SEED and the rule id (or the rule's own `seed`), so the same seed
and the same calls give the same faults. A component: rules bound to a site are
dropped with the site.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple

from .globs import path_matches

Json = dict[str, Any]

#: How many rules the fake keeps at once (a bound, like every buffer).
MAX_RULES = 1000
CONNECTION_FAULTS = ("reset", "empty", "truncate")


class Call(NamedTuple):
    """What a rule is matched against: one API call."""

    operation: str
    method: str
    path: str
    prefix: str | None
    site_id: str | None


class FaultRule:
    """One rule; `spec` is the validated JSON it was made from. `seen` and
    `hits` count the calls it matched and acted on."""

    __slots__ = ("hits", "id", "rng", "seen", "spec")

    def __init__(
        self, id: str, spec: Json, rng: random.Random, seen: int = 0, hits: int = 0
    ) -> None:
        self.id = id
        self.spec = spec
        self.rng = rng
        self.seen = seen
        self.hits = hits

    @property
    def match(self) -> Json:
        result: Json = self.spec["match"]
        return result

    @property
    def action(self) -> Json:
        result: Json = self.spec["action"]
        return result

    @property
    def site_id(self) -> str | None:
        value: str | None = self.match.get("siteId")
        return value

    @property
    def active(self) -> bool:
        times = self.spec.get("times")
        return times is None or self.hits < times

    @property
    def terminal(self) -> bool:
        """True when the action answers (or cuts the connection) by itself."""
        action = self.action
        return "status" in action or "connection" in action

    def matches(self, call: Call) -> bool:
        m = self.match
        return (
            m.get("operation") in (None, call.operation)
            and m.get("method") in (None, call.method)
            and m.get("siteId") in (None, call.site_id)
            and m.get("prefix") in (None, call.prefix)
            and ("path" not in m or path_matches(m["path"], call.path, call.prefix))
        )

    def to_record(self) -> Json:
        return {
            "id": self.id,
            **self.spec,
            "seen": self.seen,
            "hits": self.hits,
            "active": self.active,
        }


class Decision:
    """What the firing rules do to one call."""

    __slots__ = ("answer", "delay_ms", "rules")

    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self.delay_ms = 0
        #: the rule whose answer or connection fault ends the call, if any
        self.answer: FaultRule | None = None

    def record(self) -> Json:
        """The journal's `fault` field."""
        out: Json = {"rules": [r.id for r in self.rules], "delayMs": self.delay_ms}
        if self.answer is not None:
            action = self.answer.action
            out["status"] = action.get("status")
            out["connection"] = action.get("connection")
        return out


class Faults:
    """The fault rules of one fake, thread-safe."""

    name: ClassVar[str] = "faults"

    def __init__(self, derive: Callable[[str], int], max_rules: int = MAX_RULES):
        #: seed of a rule's generator by its id (Ids.derive: SEED-based)
        self._derive = derive
        self.max_rules = max_rules
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._next = 1

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._rules = []
            self._next = 1

    def drop_site(self, site_id: str) -> None:
        self.clear(site_id)

    def dump(self) -> Json:
        with self._lock:
            rules = [{**r.to_record(), "rng": _rng_state(r.rng)} for r in self._rules]
            return {"next": self._next, "rules": rules}

    def restore(self, data: Json) -> None:
        rules = []
        for record in data.get("rules", ()):
            spec = {k: v for k, v in record.items() if k in SPEC_KEYS}
            rng = random.Random()
            version, state, gauss = record["rng"]
            rng.setstate((version, tuple(state), gauss))
            rules.append(
                FaultRule(record["id"], spec, rng, record["seen"], record["hits"])
            )
        with self._lock:
            self._rules = rules
            self._next = int(data.get("next", len(rules) + 1))

    # --- rules --------------------------------------------------------------------

    def add(self, spec: Json) -> FaultRule:
        """Add a validated rule (control/fault_rules.py); OverflowError past
        `max_rules`."""
        with self._lock:
            if len(self._rules) >= self.max_rules:
                raise OverflowError(
                    f"at most {self.max_rules} fault rules are kept; delete some"
                )
            rule_id = f"fault-{self._next}"
            self._next += 1
            seed = spec.get("seed")
            rng = random.Random(
                seed if seed is not None else self._derive(f"fault:{rule_id}")
            )
            rule = FaultRule(rule_id, dict(spec), rng)
            self._rules.append(rule)
            return rule

    def get(self, rule_id: str) -> FaultRule | None:
        with self._lock:
            return next((r for r in self._rules if r.id == rule_id), None)

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            kept = [r for r in self._rules if r.id != rule_id]
            found = len(kept) != len(self._rules)
            self._rules = kept
            return found

    def clear(self, site_id: str | None = None) -> int:
        """Remove every rule (or those bound to one site); returns how many."""
        with self._lock:
            kept = (
                []
                if site_id is None
                else [r for r in self._rules if r.site_id != site_id]
            )
            removed = len(self._rules) - len(kept)
            self._rules = kept
            return removed

    def list(self, site_id: str | None = None) -> list[FaultRule]:
        """The rules in the order they are checked (`site_id`: bound to it)."""
        with self._lock:
            return [r for r in self._rules if site_id in (None, r.site_id)]

    # --- applying -----------------------------------------------------------------

    @property
    def has_rules(self) -> bool:
        return bool(self._rules)

    def decide(self, call: Call) -> Decision | None:
        """Count the call against every matching rule and say what fires."""
        if not self._rules:  # the common case, without the lock
            return None
        decision = Decision()
        with self._lock:
            for rule in self._rules:
                if not rule.active or not rule.matches(call):
                    continue
                rule.seen += 1
                if rule.seen <= rule.spec.get("after", 0):
                    continue
                probability = rule.spec.get("probability", 1.0)
                if probability < 1.0 and rule.rng.random() >= probability:
                    continue
                rule.hits += 1
                decision.rules.append(rule)
                decision.delay_ms += _delay(rule)
                if rule.terminal:
                    decision.answer = rule
                    break
        return decision if decision.rules else None


SPEC_KEYS = ("match", "action", "times", "after", "probability", "seed")


def _delay(rule: FaultRule) -> int:
    delay: Any = rule.action.get("delayMs")
    if delay is None:
        return 0
    if isinstance(delay, list):
        return rule.rng.randint(delay[0], delay[1])
    return int(delay)


def _rng_state(rng: random.Random) -> list[Any]:
    version, state, gauss = rng.getstate()
    return [version, list(state), gauss]
