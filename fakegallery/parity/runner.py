"""Run scenarios and compare: a target against the snapshots (`check`), two
targets against each other (`diff`), or write snapshots (`record`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import snapshots as snaps
from .normalise import Difference, compare
from .scenario import Run, Scenario
from .scenarios import SCENARIOS
from .target import Target

MATCH, DIFFER, SKIPPED, ERROR = "match", "differ", "skipped", "error"


@dataclass
class Outcome:
    scenario: str
    status: str
    differences: list[Difference] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "status": self.status,
            "note": self.note,
            "differences": [d.to_json() for d in self.differences],
        }


@dataclass
class Report:
    left: str
    right: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.status in (MATCH, SKIPPED) for o in self.outcomes)

    def text(self) -> str:
        lines = [f"parity: {self.right} against {self.left}"]
        for outcome in self.outcomes:
            note = f" ({outcome.note})" if outcome.note else ""
            lines.append(f"  {outcome.status:8} {outcome.scenario}{note}")
            lines.extend(f"           {d}" for d in outcome.differences)
        counts = {
            s: sum(o.status == s for o in self.outcomes)
            for s in (MATCH, DIFFER, SKIPPED, ERROR)
        }
        lines.append("  " + ", ".join(f"{n} {s}" for s, n in counts.items()))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "left": self.left,
            "right": self.right,
            "ok": self.ok,
            "outcomes": [o.to_json() for o in self.outcomes],
        }


def select(names: Iterable[str] = ()) -> list[Scenario]:
    """The named scenarios (all when none is named); unknown names are an error."""
    wanted = list(names)
    unknown = [n for n in wanted if n not in SCENARIOS]
    if unknown:
        raise KeyError(f"no scenario {unknown}; known: {sorted(SCENARIOS)}")
    return [SCENARIOS[n] for n in wanted] if wanted else list(SCENARIOS.values())


def run(target: Target, scenario: Scenario) -> dict[str, Any]:
    """Run one scenario, clean up after it (also on failure), return its
    normalised answers."""
    attempt = Run(target, scenario)
    try:
        scenario.steps(attempt)
    finally:
        target.cleanup()
    return attempt.recorded()


def _skip(target: Target, scenario: Scenario) -> str | None:
    if scenario.fake_only and target.fake is None:
        return "needs the fake's own hooks"
    return None


def check(
    target: Target,
    scenarios: Iterable[Scenario],
    directory: Path,
    on_match: Callable[[snaps.Snapshot], None] | None = None,
) -> Report:
    """Compare `target` with the stored snapshots."""
    report = Report("snapshots", target.name)
    for scenario in scenarios:
        snapshot = snaps.load(directory, scenario.name)
        skip = _skip(target, scenario)
        if snapshot is None or skip:
            note = skip or "no snapshot"
            report.outcomes.append(Outcome(scenario.name, SKIPPED, note=note))
            continue
        try:
            got = run(target, scenario)
        except Exception as exc:  # reported, the other scenarios still run
            report.outcomes.append(Outcome(scenario.name, ERROR, note=repr(exc)))
            continue
        # calls the snapshot does not list (a doc sample shows some) are skipped
        actual = {name: got[name] for name in snapshot.recorded if name in got}
        found = compare(snapshot.recorded, actual, ignore=snapshot.ignore)
        status = DIFFER if found else MATCH
        note = snaps.PROVENANCE[snapshot.kind]
        report.outcomes.append(Outcome(scenario.name, status, found, note))
        if not found and on_match is not None:
            on_match(snapshot)
    return report


def diff(left: Target, right: Target, scenarios: Iterable[Scenario]) -> Report:
    """Run each scenario on both targets and compare the normalised answers."""
    report = Report(left.name, right.name)
    for scenario in scenarios:
        skip = _skip(left, scenario) or _skip(right, scenario)
        if skip:
            report.outcomes.append(Outcome(scenario.name, SKIPPED, note=skip))
            continue
        try:
            expected = run(left, scenario)
            actual = run(right, scenario)
        except Exception as exc:
            report.outcomes.append(Outcome(scenario.name, ERROR, note=repr(exc)))
            continue
        found = compare(expected, actual)
        report.outcomes.append(
            Outcome(scenario.name, DIFFER if found else MATCH, found)
        )
    return report


def record(
    target: Target,
    scenarios: Iterable[Scenario],
    directory: Path,
    *,
    force: bool = False,
) -> list[Path]:
    """Write snapshots from `target`. A real target writes real captures
    dated today; the fake writes inferences, and never replaces a snapshot
    with real or documented evidence unless `force`."""
    written: list[Path] = []
    for scenario in scenarios:
        if _skip(target, scenario):
            continue
        old = snaps.load(directory, scenario.name)
        if (
            not target.real
            and old is not None
            and old.kind in snaps.EVIDENCE
            and not force
        ):
            continue
        recorded = run(target, scenario)
        if target.real:
            day = snaps.today()
            provenance: dict[str, Any] = {
                "kind": "real-capture",
                "source": f"fakegallery parity record against {target.base_url}",
                "captured": day,
                "verified": day,
            }
        else:
            provenance = {
                "kind": "inference",
                "source": "recorded from fakegallery (docs/behaviour.md defaults)",
                "captured": snaps.today(),
                "verified": None,
            }
        # a recording holds every answer whole: nothing is left uncompared
        snapshot = snaps.Snapshot(scenario.name, provenance, recorded)
        written.append(snaps.save(directory, snapshot))
    return written
