"""Checking a fixture document against the schemas: unknown keys (errors, or
warnings in loose mode) and everything the API would refuse. Imported on first
use, with marshmallow (docs/performance.md, cold start)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from marshmallow import Schema, fields

from ..errors import InvalidArgument
from ..gallery import schemas
from ..gallery.fields import ListOf, Obj
from .fixtures import FixtureError, FixtureWarning

SITE_SCHEMA = schemas.FixtureSiteSchema()


def validate_document(raw: Any, source: str, loose: bool = False) -> dict[str, Any]:
    """Validate one fixture document. Unknown keys are errors, or warnings
    (FixtureWarning) when `loose`."""
    if not isinstance(raw, dict):
        raise FixtureError(f"{source}: must be a JSON object with `galleries`")
    unknown = list(unknown_keys(SITE_SCHEMA, raw))
    if unknown and not loose:
        listed = "; ".join(f"{p}: unknown key" for p in unknown)
        raise FixtureError(
            f"{source}: {listed} (a misspelling? fixtures/README.md lists the keys)"
        )
    for path in unknown:
        warnings.warn(f"{source}: {path}: unknown key, ignored", FixtureWarning, 3)
    try:
        return schemas.load(SITE_SCHEMA, raw)
    except InvalidArgument as exc:
        detail = "; ".join(
            f"{v.field or '(top)'}: {v.description}" for v in exc.violations
        )
        raise FixtureError(f"{source}: {detail}") from None


def unknown_keys(schema: Schema, data: Any, path: str = "") -> Iterable[str]:
    """Paths of the keys in `data` that `schema` neither declares nor lists as
    read-only, recursively through nested objects and lists of objects."""
    if not isinstance(data, Mapping):
        return
    declared = schema.fields
    read_only: frozenset[str] = getattr(schema, "read_only", frozenset())
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        spec = declared.get(key)
        if spec is None:
            if key not in read_only:
                yield where
            continue
        yield from _nested_unknown(spec, value, where)


def _nested_unknown(spec: fields.Field[Any], value: Any, where: str) -> Iterable[str]:
    if isinstance(spec, Obj):
        yield from unknown_keys(spec.schema, value, where)
    elif isinstance(spec, ListOf) and isinstance(value, list):
        inner = spec.inner
        for index, entry in enumerate(value):
            yield from _nested_unknown(inner, entry, f"{where}[{index}]")
