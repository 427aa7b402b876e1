"""The `fakegallery` command line: `serve` runs the dev server on waitress,
`demo` writes a generated fixture file, `export`/`import` move a running
server's state to and from a file (transfer/commands.py)."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from .cli_options import fail, parse_settings, warn_if_exposed
from .errors import FakeGalleryError, StorageFailed

if TYPE_CHECKING:
    from .fake import FakeGallery

#: Seconds a stopping server gives requests in flight.
STOP_TIMEOUT = 5


class _Commands(click.Group):
    """The command group. A command listed in `lazy` is imported only when it
    runs (or help lists it): `serve` starts without the parity harness and
    its HTTP client (docs/performance.md, cold start)."""

    #: command → (module, attribute)
    lazy = {
        "demo": ("fakegallery.seeding.cli", "demo_command"),
        "export": ("fakegallery.transfer.commands", "export_command"),
        "import": ("fakegallery.transfer.commands", "import_command"),
        "parity": ("fakegallery.parity.cli", "parity"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = self.lazy.get(cmd_name)
        if where is not None:
            command: click.Command = getattr(import_module(where[0]), where[1])
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fakegallery")
def main() -> None:
    """A local fake of the Wix Pro Gallery REST API."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def _startup() -> Iterator[None]:
    """Start-up makes tens of thousands of objects that live as long as the
    server (modules, routes, settings, start-up data) and next to no garbage.
    The cyclic collector is paused while they are made (its passes over the
    growing heap were about a quarter of the start-up time,
    docs/performance.md), then they are frozen out of its view (gc.freeze),
    so that later passes skip them as well."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


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
    "--webhook",
    "webhook_urls",
    multiple=True,
    metavar="URL",
    help="Send every event of every site to this URL as a signed webhook "
    "(docs/webhooks.md); repeatable. Same as the WEBHOOKS setting.",
)
@click.option(
    "--webhook-delivery",
    type=click.Choice(["sync", "async", "paused"]),
    default=None,
    help="When webhooks are sent. Default: async (a background sender), "
    "unless WEBHOOK_DELIVERY is set.",
)
@click.option(
    "--connection-limit",
    type=click.IntRange(1),
    default=None,
    metavar="N",
    help="Open connections at most (setting SERVER_CONNECTION_LIMIT, default "
    "1000); more wait in the listen backlog.",
)
@click.option(
    "--channel-timeout",
    type=click.IntRange(1),
    default=None,
    metavar="SECONDS",
    help="Close a connection idle (or stalled mid-request) this long (setting "
    "SERVER_CHANNEL_TIMEOUT, default 30).",
)
@click.option(
    "--config",
    "settings",
    multiple=True,
    metavar="KEY=JSON",
    help="Any setting, e.g. --config AUTH='\"strict\"' or "
    "--config ITEM_SORT_DESC=true; repeatable.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Keep the state in DIR: every write is stored before it is answered "
    "and a restart continues where the server stopped. Start-up data "
    "(fixtures, --demo, --import) fills a new data dir only.",
)
@click.option(
    "--import",
    "import_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Start from an export document (fakegallery export, GET "
    "/_fake/export) instead of the shipped fixtures.",
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
    webhook_urls: tuple[str, ...],
    webhook_delivery: str | None,
    connection_limit: int | None,
    channel_timeout: int | None,
    settings: tuple[str, ...],
    data_dir: Path | None,
    import_file: Path | None,
) -> None:
    """Serve the fake API (all prefixes) on waitress until Ctrl-C or SIGTERM.
    Loopback only unless --host says otherwise (docs/control-plane.md,
    "Safety")."""
    with _startup():
        from .app import create_app, get_fake
        from .web import serving

        config: dict[str, Any] = dict(parse_settings(settings))
        if seed is not None:
            config["SEED"] = seed
        if connection_limit is not None:
            config["SERVER_CONNECTION_LIMIT"] = connection_limit
        if channel_timeout is not None:
            config["SERVER_CHANNEL_TIMEOUT"] = channel_timeout
        if webhook_urls:
            configured = config.get("WEBHOOKS") or []
            listed = [configured] if isinstance(configured, str) else list(configured)
            config["WEBHOOKS"] = [*listed, *webhook_urls]
        # A dev server must not wait for receivers: async unless chosen otherwise.
        if webhook_delivery is not None:
            config["WEBHOOK_DELIVERY"] = webhook_delivery
        elif "WEBHOOK_DELIVERY" not in config and not os.environ.get(
            "FAKEGALLERY_WEBHOOK_DELIVERY"
        ):
            config["WEBHOOK_DELIVERY"] = "async"
        if data_dir is not None:
            config["DATA_DIR"] = str(data_dir)
        if import_file is not None and (fixture_refs or demo_galleries is not None):
            fail("--import starts from an export: leave out --fixtures and --demo")
        start = None
        if import_file is not None:
            from .transfer.commands import import_at_start

            start = import_at_start(import_file)
        if fixture_refs or not (no_fixtures or demo_galleries is not None or start):
            from .seeding.fixtures import builtin_dir

            config["FIXTURES"] = list(fixture_refs) or [str(builtin_dir())]
        if demo_galleries is not None:
            start = _demo(demo_galleries, demo_items)
        try:
            app = create_app(config, populate=start)
        except (ValueError, StorageFailed, FakeGalleryError) as exc:
            # FixtureError is a ValueError; FakeGalleryError: a missing extra
            # (--demo without Faker)
            fail(str(exc))
        fake = get_fake(app)
        if fake.durable is not None:
            wanted = "FIXTURES" in config or start is not None
            from .transfer.commands import report_data_dir

            report_data_dir(fake, wanted)
        # Before binding: the warning stands even when the bind then fails.
        warn_if_exposed(host, fake.settings.control_token)
        try:
            sock = serving.bind(host, port)
        except serving.BindError as exc:
            fake.close()
            fail(str(exc))
        server = serving.create_server(app, sock, threads)
    bound = server.effective_port
    shown = f"[{host}]" if ":" in host else host
    # Port file and signal handlers first: whoever sees the first line may read
    # the file or stop the server right away. SIGINT explicitly: a background
    # job of a non-interactive shell starts with it ignored.
    if port_file is not None:
        try:
            port_file.write_text(f"{bound}\n")
        except OSError as exc:
            server.close()
            fake.close()
            fail(f"cannot write --port-file {port_file}: {exc.strerror or exc}")
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        # Inside the try: a signal right after this line is a clean stop too.
        click.echo(f"fakegallery serving on http://{shown}:{bound}")
        click.echo(f"dashboard: http://{shown}:{bound}/_fake/ui/")
        sys.stdout.flush()
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(None, STOP_TIMEOUT)
        server.close()
        fake.close()  # stores the last changes and releases the data dir


def _demo(galleries: int, items: int) -> Callable[[FakeGallery], None]:
    """Generated data into the default site, through the fixture loader (so
    it passes the same schemas as API input). Seeded by the app's seed."""

    def load(fake: FakeGallery) -> None:
        from .seeding import demo, fixtures

        data = demo.generate(galleries, items, seed=fake.ids.seed)
        fixtures.load_data(fake, fixtures.validate(data, "--demo"), "--demo")

    return load
