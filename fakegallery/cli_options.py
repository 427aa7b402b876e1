"""Helpers of the `serve` command: `--config` pairs and the warning for a
server reachable beyond loopback."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any, NoReturn

import click


def warn_if_exposed(host: str) -> None:
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


def parse_settings(
    pairs: tuple[str, ...], fail: Callable[[str], NoReturn]
) -> list[tuple[str, Any]]:
    """`--config KEY=JSON` pairs; a value that is not JSON is a bare string."""
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
