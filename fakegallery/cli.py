"""The `fakegallery` command line: `serve` runs the dev server on waitress,
`demo` writes a generated fixture file."""

from __future__ import annotations

import ipaddress
import signal
import sys
from importlib import import_module
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click


def fail(message: str) -> NoReturn:
    """End a command with a one-line message and exit code 2, no traceback."""
    click.echo(f"fakegallery: error: {message}", err=True)
    sys.exit(2)


class _Commands(click.Group):
    """The command group. A command listed in `lazy` is imported only when it
    runs (or help lists it): `serve` starts without the parity harness and
    its HTTP client (docs/performance.md, cold start)."""

    lazy = {"parity": "fakegallery.parity.cli"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.lazy.get(cmd_name)
        if module is not None:
            command: click.Command = getattr(import_module(module), cmd_name)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fakegallery")
def main() -> None:
    """A local fake of the Wix Pro Gallery REST API."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback by default; 0.0.0.0 for all).",
)
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port; 0 picks a free one (the first line printed names it).",
)
@click.option(
    "--fixtures",
    "fixture_refs",
    multiple=True,
    metavar="PATH",
    help="Fixture file, directory or shipped name to load; repeatable. "
    "Default: the shipped fixtures/ directory.",
)
@click.option("--no-fixtures", is_flag=True, help="Start with an empty store.")
@click.option(
    "--demo",
    "demo_galleries",
    type=click.IntRange(0),
    default=None,
    metavar="N",
    help="Serve N generated galleries (Faker, seeded by --seed) in the default "
    "site instead of the shipped fixtures (--fixtures still adds files).",
)
@click.option(
    "--demo-items",
    type=click.IntRange(0),
    default=12,
    show_default=True,
    metavar="M",
    help="Items per generated gallery, with --demo.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed for ids and generated data (same seed, same state).",
)
@click.option(
    "--port-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the bound port to this file, for other processes.",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker threads of the waitress server.",
)
@click.option(
    "--config",
    "settings",
    multiple=True,
    metavar="KEY=JSON",
    help="Any setting, e.g. --config AUTH='\"strict\"' or "
    "--config ITEM_SORT_DESC=true; repeatable.",
)
def serve(
    host: str,
    port: int,
    fixture_refs: tuple[str, ...],
    no_fixtures: bool,
    demo_galleries: int | None,
    demo_items: int,
    seed: int | None,
    port_file: Path | None,
    threads: int,
    settings: tuple[str, ...],
) -> None:
    """Serve the fake API (all prefixes) on waitress until Ctrl-C or SIGTERM."""
    from waitress.server import create_server

    from .app import create_app

    config: dict[str, Any] = dict(_parse_settings(settings))
    if seed is not None:
        config["SEED"] = seed
    if fixture_refs or not (no_fixtures or demo_galleries is not None):
        from .seeding.fixtures import builtin_dir

        config["FIXTURES"] = list(fixture_refs) or [str(builtin_dir())]
    try:
        app = create_app(config)
        if demo_galleries is not None:
            _load_demo(app, demo_galleries, demo_items)
    except ValueError as exc:  # FixtureError is one
        fail(str(exc))
    try:
        server: Any = create_server(app, host=host, port=port, threads=threads)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    bound = server.effective_port
    shown = f"[{host}]" if ":" in host else host
    # Port file and SIGTERM handler first: whoever sees the first line may
    # read the file or stop the server right away.
    if port_file is not None:
        port_file.write_text(f"{bound}\n")
    signal.signal(signal.SIGTERM, _stop)
    try:
        # Inside the try: a signal right after this line is a clean stop too.
        click.echo(f"fakegallery serving on http://{shown}:{bound}")
        click.echo(f"dashboard: http://{shown}:{bound}/_fake/ui/")
        _warn_if_exposed(host)
        sys.stdout.flush()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _warn_if_exposed(host: str) -> None:
    """The control plane and the dashboard have no authentication: say so
    when they can be reached from beyond this machine."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost
        loopback = False
    if not loopback:
        click.echo(
            f"fakegallery: warning: listening on {host}, beyond loopback: anyone "
            "who can reach this address can read and change the fake's data "
            "through /_fake/ and the dashboard (they have no authentication)",
            err=True,
        )


def _parse_settings(pairs: tuple[str, ...]) -> list[tuple[str, Any]]:
    import orjson

    parsed: list[tuple[str, Any]] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"--config wants KEY=JSON, got {pair!r}")
        try:
            parsed.append((key.upper(), orjson.loads(value)))
        except orjson.JSONDecodeError:
            parsed.append((key.upper(), value))  # a bare string
    return parsed


def _load_demo(app: Any, galleries: int, items: int) -> None:
    """Generated data into the default site, through the fixture loader (so
    it passes the same schemas as API input). Seeded by the app's seed."""
    from .app import get_fake
    from .seeding import demo, fixtures

    fake = get_fake(app)
    data = demo.generate(galleries, items, seed=fake.ids.seed)
    fixtures.load_data(fake, fixtures.validate(data, "--demo"), "--demo")


@main.command("demo")
@click.option(
    "--galleries",
    type=click.IntRange(0),
    default=3,
    show_default=True,
    metavar="N",
    help="Number of galleries to generate.",
)
@click.option(
    "--items",
    type=click.IntRange(0),
    default=12,
    show_default=True,
    metavar="M",
    help="Items per gallery: a mix of images, YouTube/Vimeo/Wix videos and text.",
)
@click.option(
    "--large-gallery",
    type=click.IntRange(0),
    default=None,
    metavar="K",
    help="Give the first gallery K items instead of M (a paging target).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of ids, dates and text: the same seed writes the same bytes.",
)
@click.option(
    "--site-id",
    default=None,
    metavar="GUID",
    help="siteId to write into the file (default: none, so it loads into the "
    "default site or the site a test chooses).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the fixture file here instead of to standard output.",
)
def demo_command(
    galleries: int,
    items: int,
    large_gallery: int | None,
    seed: int,
    site_id: str | None,
    out: Path | None,
) -> None:
    """Write a generated fixture file (valid input for --fixtures and load())."""
    from .seeding import demo, fixtures
    from .seeding.fixtures import FixtureError

    counts = [items] * galleries
    if large_gallery is not None and counts:
        counts[0] = large_gallery
    data = demo.generate(galleries, counts, seed=seed, site_id=site_id)
    try:
        fixtures.validate(data, "generated data")
    except FixtureError as exc:
        fail(str(exc))
    payload = demo.dumps(data)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    try:
        out.write_bytes(payload)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
