"""Snapshot files: the expected, normalised answers of one scenario and where
they come from (LocalStack's snapshot + validation files, in one JSON file).

```json
{"scenario": "youtube-item",
 "provenance": {"kind": "doc-sample", "source": "…", "captured": "2026-12-01",
                "verified": null},
 "ignore": {"$.create-item.body.item.updatedDate": "why it is not compared"},
 "recorded": {"create-item": {"status": 200, "requestId": "<request-id>",
                              "body": {…}}}}
```

`kind` is one of PROVENANCE: a real capture (the date it was captured), a Wix
doc sample, an observation of the official SDK, or an inference (recorded from
the fake, never yet seen from Wix). `verified` is the last date a run against
real Wix matched it. Calls a snapshot does not list are not compared (a doc
sample shows only some answers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

PROVENANCE = {
    "real-capture": "real capture",
    "doc-sample": "Wix doc sample",
    "sdk-probe": "official SDK probe",
    "inference": "inference",
}
#: Snapshots only a real run may overwrite (`record --force` aside).
EVIDENCE = frozenset({"real-capture", "doc-sample", "sdk-probe"})


def builtin_dir() -> Path:
    return Path(str(resources.files("fakegallery.parity"))) / "snapshots"


def today() -> str:
    return datetime.now(UTC).date().isoformat()


@dataclass
class Snapshot:
    scenario: str
    provenance: dict[str, Any]
    recorded: dict[str, Any]
    ignore: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.provenance.get("kind", "inference"))

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "provenance": self.provenance,
            "ignore": self.ignore,
            "recorded": self.recorded,
        }


class SnapshotError(ValueError):
    """A snapshot file that cannot be read; the message names the file."""


def path_for(directory: Path, scenario: str) -> Path:
    return directory / f"{scenario}.json"


def load(directory: Path, scenario: str) -> Snapshot | None:
    path = path_for(directory, scenario)
    if not path.is_file():
        return None
    try:
        data = orjson.loads(path.read_bytes())
        provenance = data["provenance"]
        if provenance.get("kind") not in PROVENANCE:
            raise SnapshotError(
                f"{path}: provenance.kind must be one of {list(PROVENANCE)}"
            )
        return Snapshot(
            data["scenario"], provenance, data["recorded"], data.get("ignore", {})
        )
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{path}: not a snapshot file ({exc})") from None


def save(directory: Path, snapshot: Snapshot) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = path_for(directory, snapshot.scenario)
    data = orjson.dumps(snapshot.to_json(), option=orjson.OPT_INDENT_2) + b"\n"
    temp = path.with_suffix(".json.tmp")
    temp.write_bytes(data)
    temp.replace(path)  # atomic: a crash never leaves half a snapshot
    return path
