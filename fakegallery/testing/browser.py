"""Chromium for browser tests of the dashboard (docs/dashboard.md): Playwright
drives the system's Chromium (Debian's `chromium` package), because Playwright's
own browser download needs a host this project's machines cannot reach.
Playwright is a development dependency; this module imports it on first use."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

#: Headless, no first-run or background traffic (no request leaves loopback).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """`FAKEGALLERY_CHROMIUM`, else `chromium` on PATH, else None."""
    return os.environ.get("FAKEGALLERY_CHROMIUM") or shutil.which("chromium")


def launch(playwright: Playwright, path: str) -> Browser:
    return playwright.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
