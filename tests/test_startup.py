"""What a start imports and builds (docs/performance.md, cold start): serving
the shipped fixtures and answering reads needs neither marshmallow nor the HTTP
client of the parity harness, nor the dashboard's page builders, nor
subprocess, and defines no dataclass; a write loads the schemas on first use,
the first dashboard page its builders. Checked in a fresh interpreter, since
this test process has imported everything already."""

from __future__ import annotations

import gc
import subprocess
import sys

from fakegallery import cli

START = """
import sys
from fakegallery.cli import main
from fakegallery.app import create_app
from fakegallery.seeding.fixtures import builtin_dir
app = create_app({"FIXTURES": [str(builtin_dir())]})
client = app.test_client()
headers = {"Authorization": "k"}
assert client.get("/pro-gallery/v2/galleries", headers=headers).status_code == 200
assert client.get("/_fake/state").status_code == 200
lazy = (
    "marshmallow",
    "requests",
    "subprocess",
    "fakegallery.parity",
    "fakegallery.openapi.document",
    "fakegallery.dashboard.views",
)
for name in lazy:
    assert name not in sys.modules, name + " was imported at start"
import dataclasses
built = [
    f"{module.__name__}.{name}"
    for module in list(sys.modules.values())
    if module.__name__.startswith("fakegallery")
    for name, value in vars(module).items()
    if isinstance(value, type)
    and value.__module__ == module.__name__
    and dataclasses.is_dataclass(value)
]
assert not built, f"dataclasses built at start: {built}"
created = client.post("/pro-gallery/v2/galleries", json={}, headers=headers)
assert created.status_code == 200, created.data
assert "marshmallow" in sys.modules
assert client.get("/_fake/ui/").status_code == 200
assert "fakegallery.dashboard.views" in sys.modules
print("ok")
"""


def test_start_and_reads_import_no_schemas_and_no_http_client() -> None:
    done = subprocess.run(
        [sys.executable, "-c", START], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_serve_builds_the_app_with_the_collector_paused_then_freezes() -> None:
    """serve's start-up phase: no cyclic collection while the app is built,
    the objects made so far frozen out of the collector's view afterwards,
    and collection on again (also when the start fails)."""
    assert gc.isenabled()
    try:
        with cli._startup():
            assert not gc.isenabled()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        try:
            with cli._startup():
                raise SystemExit(2)  # what `fail` raises
        except SystemExit:
            pass
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
