"""What a start imports (docs/performance.md, cold start): serving the shipped
fixtures and answering reads needs neither marshmallow nor the HTTP client of
the parity harness, nor the dashboard's page builders; a write loads the
schemas on first use, the first dashboard page its builders. Checked in a fresh
interpreter, since this test process has imported everything already."""

from __future__ import annotations

import subprocess
import sys

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
    "fakegallery.parity",
    "fakegallery.openapi.document",
    "fakegallery.dashboard.views",
)
for name in lazy:
    assert name not in sys.modules, name + " was imported at start"
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
