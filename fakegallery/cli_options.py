"""Helpers of the command line: the one-line failure every command ends with,
`--config` pairs (also the pytest plugin's `--fakegallery-config`) and the
warning for a server reachable beyond loopback."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

import click

from .config import SettingsError


def fail(message: str) -> NoReturn:
    """End a command with a one-line message and exit code 2, no traceback."""
    click.echo(f"fakegallery: error: {message}", err=True)
    sys.exit(2)


def warn_if_exposed(host: str, token: str | None = None) -> None:
    """The control plane and the dashboard have no authentication unless
    CONTROL_TOKEN is set: say so when they can be reached from beyond this
    machine (docs/control-plane.md, "Safety")."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost
        loopback = False
    if not loopback and token is None:
        from .web.serving import exposure_warning

        click.echo(f"fakegallery: warning: {exposure_warning(host)}", err=True)


def parse_settings(pairs: tuple[str, ...]) -> list[tuple[str, Any]]:
    """`--config KEY=JSON` pairs; a value that is not JSON is a bare string
    (parse_assignments, which the pytest plugin's option uses too)."""
    try:
        return list(parse_assignments(pairs, "--config").items())
    except SettingsError as exc:
        fail(str(exc))


def parse_assignments(pairs: Iterable[str], source: str) -> dict[str, Any]:
    """``KEY=JSON`` strings (the command line's and pytest's form) to a mapping:
    the value is JSON, or a plain string when it is not valid JSON, so
    ``AUTH=strict`` works. Keys are upper-cased; `source` names the option in
    errors. The values are checked later, with every other setting."""
    import orjson

    parsed: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().upper()
        if not sep or not key:
            raise SettingsError(f"{source} wants KEY=JSON, got {pair!r}")
        try:
            parsed[key] = orjson.loads(value)
        except orjson.JSONDecodeError:
            parsed[key] = value
    return parsed
