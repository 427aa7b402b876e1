"""`fakegallery parity …`: check, diff and record the parity scenarios, and
write the parity matrix (docs/parity.md). Exit codes: 0 all matched, 1 a
difference was found, 2 the harness refused or could not run."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import orjson

from . import matrix, runner
from . import snapshots as snaps
from .target import ParityRefused, Target, fake_target, real_target_from_env

TARGETS = click.Choice(["fake", "real"])


def _fail(message: str) -> None:
    click.echo(f"fakegallery parity: {message}", err=True)
    sys.exit(2)


def _allow_existing(flag: bool) -> bool:
    return flag or os.environ.get("WIX_ALLOW_EXISTING_GALLERIES", "") in ("1", "true")


@contextmanager
def _target(kind: str, allow_existing: bool) -> Iterator[Target]:
    """The chosen target, guarded, closed afterwards."""
    target = fake_target() if kind == "fake" else real_target_from_env()
    try:
        if target.real:
            target.check_empty(_allow_existing(allow_existing))
        yield target
    finally:
        target.close()


def _options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--scenario",
        "names",
        multiple=True,
        metavar="NAME",
        help="Run only this scenario; repeatable (default: all).",
    )(fn)
    fn = click.option(
        "--allow-existing-galleries",
        is_flag=True,
        help="Run even if the real site already has galleries (only the "
        "harness's own galleries are deleted).",
    )(fn)
    return fn


def _snapshots_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--snapshots",
        "directory",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Snapshot directory (default: the ones shipped with fakegallery).",
    )(fn)


def _report(report: runner.Report, as_json: bool) -> None:
    if as_json:
        click.echo(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2))
    else:
        click.echo(report.text())
    sys.exit(0 if report.ok else 1)


@click.group("parity")
def parity() -> None:
    """Compare the fake with real Wix (docs/parity.md). Real runs need
    WIX_API_KEY and WIX_SITE_ID and never happen by default."""


@parity.command("check")
@click.option(
    "--target",
    "kind",
    type=TARGETS,
    default="fake",
    show_default=True,
    help="What to check: the fake, or real Wix (WIX_API_KEY, WIX_SITE_ID).",
)
@_options
@_snapshots_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--mark-verified",
    is_flag=True,
    help="With --target real: date the snapshots real Wix matched.",
)
def check_command(
    kind: str,
    names: tuple[str, ...],
    allow_existing_galleries: bool,
    directory: Path | None,
    as_json: bool,
    mark_verified: bool,
) -> None:
    """Run the scenarios and compare them with the snapshots."""
    folder = directory or snaps.builtin_dir()

    def verified(snapshot: snaps.Snapshot) -> None:
        if mark_verified and kind == "real":
            snapshot.provenance["verified"] = snaps.today()
            snaps.save(folder, snapshot)

    try:
        scenarios = runner.select(names)
        with _target(kind, allow_existing_galleries) as target:
            report = runner.check(target, scenarios, folder, verified)
    except (ParityRefused, KeyError, snaps.SnapshotError, OSError) as exc:
        _fail(str(exc))
    _report(report, as_json)


@parity.command("diff")
@_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def diff_command(
    names: tuple[str, ...], allow_existing_galleries: bool, as_json: bool
) -> None:
    """Run the scenarios on the fake and on real Wix; show every difference."""
    try:
        scenarios = runner.select(names)
        with (
            _target("fake", False) as fake,
            _target("real", allow_existing_galleries) as real,
        ):
            report = runner.diff(fake, real, scenarios)
    except (ParityRefused, KeyError, OSError) as exc:
        _fail(str(exc))
    _report(report, as_json)


@parity.command("record")
@click.option(
    "--target",
    "kind",
    type=TARGETS,
    default="real",
    show_default=True,
    help="Record real Wix (real captures) or the fake (inferences).",
)
@_options
@_snapshots_option
@click.option(
    "--force",
    is_flag=True,
    help="Let a fake recording replace evidence (real, doc or SDK snapshots).",
)
def record_command(
    kind: str,
    names: tuple[str, ...],
    allow_existing_galleries: bool,
    directory: Path | None,
    force: bool,
) -> None:
    """Write snapshots: real captures (dated today) or, from the fake,
    inferences."""
    folder = directory or snaps.builtin_dir()
    try:
        scenarios = runner.select(names)
        with _target(kind, allow_existing_galleries) as target:
            written = runner.record(target, scenarios, folder, force=force)
    except (ParityRefused, KeyError, snaps.SnapshotError, OSError) as exc:
        _fail(str(exc))
    for path in written:
        click.echo(f"wrote {path}")


@parity.command("matrix")
@_snapshots_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write docs/parity.md here instead of to standard output.",
)
def matrix_command(directory: Path | None, out: Path | None) -> None:
    """Write the parity matrix from the scenarios and their snapshots."""
    try:
        text = matrix.render(directory)
        if out is None:
            click.echo(text, nl=False)
        else:
            out.write_text(text)
    except (snaps.SnapshotError, OSError) as exc:
        _fail(str(exc))
