"""The shipped fixtures, checked once by the test suite instead of at every start.

Validating a fixture needs the schemas, and with them marshmallow, whose import
alone costs more than the rest of a start (docs/performance.md, cold start).
The files in `fixtures/` are already in the shape the schemas produce, and
tests/test_fixtures.py proves it for the exact bytes listed here: each file
validates to itself. So a shipped file whose SHA-256 is listed is loaded as it
is; any other file, or a shipped one that was changed, is validated as always.

After changing a shipped fixture, run tests/test_fixtures.py: it names the
new digest to put here once the file validates to itself.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

#: file name in fixtures/ → SHA-256 of its bytes
CHECKED = {
    "basic.json": "0a3acc2bd8912217cff3639fa0521b2f6fcd8f702d5cd56ac8a63b1456e88f47",
    "classic-slideshow.json": (
        "daf2e3f840fc7f7f97ba8f3bd9b9fe64350093b19ffac7e08be83c00f32ab647"
    ),
    "large.json": "0e063f80ac2bfeaf8c74a5be89d22598a614614f84f33ff40a9621cd91491fbb",
}


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked(path: Path, data: bytes, shipped_dir: Path) -> bool:
    """True for an unchanged shipped fixture (`data` is the file's bytes)."""
    expected = CHECKED.get(path.name)
    if not expected or path.resolve().parent != shipped_dir.resolve():
        return False
    return digest(data) == expected
