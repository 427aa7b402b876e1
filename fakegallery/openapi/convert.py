"""JSON Schema building blocks, and the converter from the marshmallow schemas.

JSON Schema draft 2020-12, as OpenAPI 3.1 uses. The converter derives the request
body schemas of document.py from the classes of gallery/schemas.py that
validate requests.
A field, a bound or a schema-level rule that the converter does not understand
raises TypeError, so the description cannot silently drift from the validation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from marshmallow import Schema, fields

from ..gallery import fields as V
from ..gallery import schemas as S

Json = dict[str, Any]
REF = "#/components/schemas/"


# --- building blocks -------------------------------------------------------------


def ref(name: str) -> Json:
    return {"$ref": REF + name}


RFC3339 = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$",
}
GUID = {"type": "string", "format": "uuid", "pattern": V.GUID_RE.pattern}
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NUMBER = {"type": "number"}
FREE = {"type": "object", "description": "free-form JSON object, echoed as sent"}


def closed(required: list[str], properties: Json, description: str = "") -> Json:
    out: Json = {
        "type": "object",
        "required": required,
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        out["description"] = description
    return out


def array(item: Json) -> Json:
    return {"type": "array", "items": item}


# --- marshmallow → JSON Schema ----------------------------------------------------


def _nullable(prop: Json) -> Json:
    """`allow_none=True`: the JSON Schema 3.1 way, a type list or an anyOf."""
    if "$ref" in prop:
        return {"anyOf": [prop, {"type": "null"}]}
    prop = dict(prop)
    prop["type"] = [prop["type"], "null"]
    if "enum" in prop:
        prop["enum"] = [*prop["enum"], None]
    return prop


def _media_pairs(keys: Iterable[str]) -> list[Json]:
    keys = list(keys)
    return [{"required": [a, b]} for i, a in enumerate(keys) for b in keys[i + 1 :]]


MEDIA = list(S.MEDIA_KEYS)

#: The schema-level rules (`@validates_schema` methods) of schemas.py, by name.
#: A new rule must be added here, or building the description fails.
SCHEMA_RULES: dict[str, Json] = {
    # ItemPatchSchema: at most one of image / video / text (docs/behaviour.md §4.2).
    "_at_most_one_media": {"not": {"anyOf": _media_pairs(MEDIA)}},
    # ItemSchema: at least one of them; with the rule above, exactly one (§5.10).
    "_exactly_one_media": {"anyOf": [{"required": [k]} for k in MEDIA]},
    # GalleryItemPatchSchema: an entry without an id creates an item (§5.6).
    "_new_needs_media": {"anyOf": [{"required": [k]} for k in ["id", *MEDIA]]},
    # SecondaryMediaSchema: image or text, not both.
    "_one": {"not": {"required": ["image", "text"]}},
    # VideoInfoSchema: a Wix media `id` or an external `url` (docs/behaviour.md §4.4).
    "_id_or_url": {
        "anyOf": [
            {
                "required": [key],
                "properties": {key: {"type": "string", "minLength": 1}},
            }
            for key in ("id", "url")
        ]
    },
}


def _validator(fn: Callable[[Any], Any], prop: Json) -> None:
    """Translate one field validator of schemas.py into JSON Schema keywords."""
    owner = getattr(fn, "__qualname__", "")
    if fn is V.non_empty:
        prop["minLength"] = 1
        return
    if fn is V.shallow:
        return  # a nesting-depth limit has no JSON Schema keyword
    bounds = inspect.getclosurevars(fn).nonlocals
    if owner == "between.<locals>.check":
        if bounds["low"] is not None:
            prop["minimum"] = bounds["low"]
        if bounds["high"] is not None:
            prop["maximum"] = bounds["high"]
        return
    if owner == "sized.<locals>.check":
        if bounds["low"] is not None:
            prop["minItems"] = bounds["low"]
        if bounds["high"] is not None:
            prop["maxItems"] = bounds["high"]
        return
    raise TypeError(f"openapi: no JSON Schema for the validator {owner or fn!r}")


class Converter:
    """Turns marshmallow schema classes into named JSON Schema components."""

    def __init__(self) -> None:
        self.components: dict[str, Json] = {}

    def schema(self, cls: type[Schema]) -> Json:
        """A `$ref` to the component of `cls`, converting it on first use."""
        name = cls.__name__
        if name not in self.components:
            self.components[name] = {}  # placeholder: recursion stops here
            self.components[name] = self._object(cls)
        return ref(name)

    def _object(self, cls: type[Schema]) -> Json:
        out: Json = {
            "type": "object",
            "description": f"Validated by fakegallery.schemas.{cls.__name__}; "
            "unknown and read-only keys are ignored.",
            "properties": {},
        }
        required = []
        for name, field in cls._declared_fields.items():
            key = field.data_key or name
            out["properties"][key] = self.field(field)
            if field.required:
                required.append(key)
        if required:
            out["required"] = required
        rules = [
            SCHEMA_RULES.get(hook)
            for hook, *_ in cls._hooks.get("validates_schema", ())
        ]
        if None in rules:
            hooks = [h for h, *_ in cls._hooks["validates_schema"]]
            raise TypeError(
                f"openapi: {cls.__name__} has a schema rule with no JSON Schema "
                f"(one of {hooks}); add it to SCHEMA_RULES"
            )
        if len(rules) == 1:
            out.update(rules[0] or {})
        elif rules:
            out["allOf"] = rules
        return out

    def field(self, field: fields.Field[Any]) -> Json:
        prop = self._base(field)
        if field.allow_none:
            prop = _nullable(prop)
        return prop

    def _base(self, field: fields.Field[Any]) -> Json:
        prop: Json
        if isinstance(field, fields.Nested):
            nested = field.nested
            if not (isinstance(nested, type) and issubclass(nested, Schema)):
                raise TypeError(f"openapi: unsupported nested {nested!r}")
            prop = self.schema(nested)
        elif isinstance(field, fields.List):
            prop = {"type": "array", "items": self.field(field.inner)}
        elif isinstance(field, V.Guid):
            prop = {"type": "string", "format": "uuid", "pattern": V.GUID_RE.pattern}
        elif isinstance(field, V.Enum):
            prop = {"type": "string", "enum": list(field.choices)}
        elif isinstance(field, V.Rfc3339):
            prop = {"type": "string", "format": "date-time"}
        elif isinstance(field, fields.String):
            prop = {"type": "string"}
        elif isinstance(field, fields.Dict):
            prop = {"type": "object", "description": "free-form JSON object"}
        elif isinstance(field, V.Int | fields.Integer):
            prop = {
                "type": "integer",
                "format": "int64",
                "minimum": V.INT64_MIN,
                "maximum": V.INT64_MAX,
            }
        elif isinstance(field, V.Num | fields.Float):
            prop = {"type": "number"}
        elif isinstance(field, fields.Boolean) or type(field).__name__ == "Bool":
            prop = {"type": "boolean"}
        else:
            raise TypeError(f"openapi: no JSON Schema for {type(field).__name__}")
        for validator in field.validators:
            _validator(validator, prop)
        if "$ref" in prop and len(prop) > 1:
            prop = {"allOf": [{"$ref": prop.pop("$ref")}], **prop}
        return prop
