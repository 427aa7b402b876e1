"""The `fakegallery` command line: `serve` runs the dev server on waitress."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import click

from .app import create_app
from .fixtures import FixtureError, builtin_dir


def fail(message: str) -> NoReturn:
    """End a command with a one-line message and exit code 2, no traceback."""
    click.echo(f"fakegallery: error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    seed: int | None,
    port_file: Path | None,
    threads: int,
    settings: tuple[str, ...],
) -> None:
    """Serve the fake API (all prefixes) on waitress until Ctrl-C or SIGTERM."""
    from waitress.server import create_server

    config: dict[str, Any] = dict(_parse_settings(settings))
    if seed is not None:
        config["SEED"] = seed
    if not no_fixtures:
        config["FIXTURES"] = list(fixture_refs) or [str(builtin_dir())]
    try:
        app = create_app(config)
    except (FixtureError, ValueError) as exc:
        fail(str(exc))
    try:
        server: Any = create_server(app, host=host, port=port, threads=threads)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    bound = server.effective_port
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"fakegallery serving on http://{shown}:{bound}")
    sys.stdout.flush()
    if port_file is not None:
        port_file.write_text(f"{bound}\n")
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


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
