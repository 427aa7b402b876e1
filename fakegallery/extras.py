"""Optional dependencies: the core (the pytest fixture and the dev server) needs
none of them. Generated demo data needs Faker (extra `demo`), media uploads need
Pillow (extra `media`), signed webhooks need PyJWT and cryptography (extra
`webhooks`); without them those features fail with one message that names the
extra, never with a bare ImportError."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import NamedTuple

from .errors import HttpRefusal


class MissingExtra(HttpRefusal):
    """501 NOT_IMPLEMENTED: a feature whose optional dependency is not
    installed; the message and `data` name the extra that installs it."""

    def __init__(self, description: str, data: dict[str, str]) -> None:
        super().__init__(501, description, dict(data))


class Extra(NamedTuple):
    name: str  # the extra, as in pip install 'fakegallery[NAME]'
    package: str  # the distribution it installs
    feature: str  # what needs it, for the message


DEMO = Extra("demo", "Faker", "generated demo data (--demo, fakegallery demo)")
MEDIA = Extra("media", "Pillow", "media uploads")
WEBHOOKS = Extra("webhooks", "PyJWT and cryptography", "signed webhooks")


def require(module: str, extra: Extra) -> ModuleType:
    """Import `module`, or raise MissingExtra naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(
            f"{extra.feature} need {extra.package}, which the [{extra.name}] extra "
            f"installs: pip install 'fakegallery[{extra.name}]'",
            {"extra": extra.name, "package": extra.package},
        ) from exc
