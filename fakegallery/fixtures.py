"""Fixture files: one site per JSON file, galleries and items in the wire shape,
loaded through the same schemas as API input. A bad file fails loudly, naming
the file and the field path; nothing is skipped silently."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from . import live, schemas
from . import service as svc
from .errors import InvalidArgument
from .fake import FakeGallery

SITE_SCHEMA = schemas.FixtureSiteSchema()


class FixtureError(ValueError):
    """A fixture file that cannot be loaded: the message names file and field."""


def builtin_dir() -> Path:
    """The shipped fixtures: inside the wheel, or `fixtures/` in a checkout."""
    packaged = Path(str(resources.files("fakegallery"))) / "fixtures"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "fixtures"


def builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.json"))


def resolve(ref: str | Path) -> list[Path]:
    """A fixture name (`basic`), a file, or a directory of `*.json` files."""
    path = Path(ref)
    if isinstance(ref, str) and path.suffix != ".json" and len(path.parts) == 1:
        named = builtin_dir() / f"{ref}.json"
        if named.is_file():
            return [named]
    if path.is_dir():
        return sorted(path.glob("*.json"))
    if path.is_file():
        return [path]
    names = ", ".join(builtin_names())
    raise FixtureError(f"{ref}: no such fixture file or name (shipped: {names})")


def parse(path: Path) -> dict[str, Any]:
    """Read and validate one fixture file."""
    try:
        raw = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror}") from None
    except orjson.JSONDecodeError as exc:
        raise FixtureError(f"{path}: not valid JSON: {exc}") from None
    return validate(raw, str(path))


def validate(raw: Any, source: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FixtureError(f"{source}: must be a JSON object with `galleries`")
    try:
        return schemas.load(SITE_SCHEMA, raw)
    except InvalidArgument as exc:
        detail = "; ".join(
            f"{v.field or '(top)'}: {v.description}" for v in exc.violations
        )
        raise FixtureError(f"{source}: {detail}") from None


def load_data(
    fake: FakeGallery, data: dict[str, Any], source: str, site_id: str | None = None
) -> str:
    """Store validated fixture data in `site_id` (default: the file's `siteId`,
    else the default site). Returns the site id."""
    target = site_id or data.get("siteId") or fake.settings.default_site_id
    if not target:
        raise FixtureError(f"{source}: no siteId and no DEFAULT_SITE_ID")
    imported = [svc.import_gallery(fake, target, g) for g in data["galleries"]]
    # published, media, pages/widgets and gallery `origin` (live.py)
    live.load_fixture(fake, target, data, [g.id for g in imported])
    return target


def load(
    fake: FakeGallery, refs: Iterable[str | Path], site_id: str | None = None
) -> list[str]:
    """Load fixture names, files or directories; all are validated before any
    is stored, so a bad file leaves the fake untouched."""
    parsed = [(p, parse(p)) for ref in refs for p in resolve(ref)]
    return [load_data(fake, data, str(p), site_id) for p, data in parsed]
