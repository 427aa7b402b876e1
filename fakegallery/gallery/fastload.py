"""A fast path for `fields.load` on valid input.

marshmallow spends most of a load on bookkeeping per declared field, present or
not (an image item walks about 20 fields for its 5 keys), which makes a
createGallery of 16,000 items take over a second of validation alone. This
module loads the same schemas by walking the keys that are there: each leaf
still goes through its marshmallow field (`Field.deserialize`: type, None,
validators), nested objects and lists recurse here, and the schema's
``@validates_schema`` rules and ``@post_load`` steps run on the result.
Anything it is unsure of — an error, a schema feature it does not handle —
returns None, and `load` runs
marshmallow itself, which also writes the error messages. So the fast path
decides only successes, and a success is the value marshmallow would return
(tests/test_fastload.py compares the two on generated input).

Uses marshmallow's `_hooks` (as openapi/convert.py does), hence the upper bound
on marshmallow in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, missing

#: The hooks this fast path can honour; a schema with any other takes the
#: marshmallow path every time.
_HANDLED_HOOKS = frozenset({"validates_schema", "post_load"})

# Kinds of field.
_LEAF, _NESTED, _LIST_NESTED = 0, 1, 2


class _Refused(Exception):
    """The fast path does not decide this input."""


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    field: fields.Field[Any]
    kind: int
    schema: Schema | None  # the nested schema (_NESTED, _LIST_NESTED)
    plan: _Plan | None
    #: A leaf whose value marshmallow's `deserialize` would only pass through
    #: `_deserialize` and the validators: called directly (no pre/post_load).
    direct: bool = False
    #: A leaf whose `_deserialize` returns a `str` value as it is (String's).
    text: bool = False
    #: A list of leaves (a direct leaf too): its element, a direct leaf
    inner: _Field | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    schema: Schema
    fields: tuple[_Field, ...]
    validators: tuple[str, ...]  # @validates_schema methods
    processors: tuple[str, ...]  # @post_load methods
    #: The fields by name, and each name's place in the declared order (the
    #: order marshmallow's result has): a load walks the keys given.
    by_name: dict[str, _Field]
    place: dict[str, int]
    required: frozenset[str]
    #: `validators` and `processors` bound to the schema
    hooks: tuple[Callable[..., Any], ...]
    post: tuple[Callable[..., Any], ...]


#: Plans by schema instance id, with the instance kept alive beside them.
_PLANS: dict[int, tuple[Schema, _Plan | None]] = {}


def fast_load(schema: Schema, data: Any) -> dict[str, Any] | None:
    """What `schema.load(data)` returns, or None when this path does not
    decide (invalid input, or a schema it does not handle)."""
    plan = _plan_of(schema)
    if plan is None:
        return None
    try:
        return _load(plan, data)
    except (_Refused, ValidationError):
        return None


def _plan_of(schema: Schema) -> _Plan | None:
    known = _PLANS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    plan = _make_plan(schema)
    _PLANS[id(schema)] = (schema, plan)
    return plan


def _make_plan(schema: Schema) -> _Plan | None:
    hooks = {tag for tag, entries in schema._hooks.items() if entries}
    if hooks - _HANDLED_HOOKS or schema.unknown != EXCLUDE or schema.many:
        return None
    hooked: dict[str, list[str]] = {"validates_schema": [], "post_load": []}
    for tag, names in hooked.items():
        for name, many, options in schema._hooks.get(tag, ()):
            if many or options.get("pass_original"):
                return None
            names.append(name)
    planned = []
    for name, field in schema.load_fields.items():
        if field.data_key not in (None, name) or field.attribute not in (None, name):
            return None
        if "." in name or field.load_default is not missing:
            return None
        if isinstance(field, fields.Nested):
            sub = _nested(field)
            if sub is None:
                return None
            planned.append(_Field(name, field, _NESTED, sub[0], sub[1]))
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            sub = _nested(field.inner)
            if sub is None or field.inner.validators or field.inner.allow_none:
                return None
            planned.append(_Field(name, field, _LIST_NESTED, sub[0], sub[1]))
        elif isinstance(field, fields.List | fields.Tuple):
            if isinstance(field, fields.Tuple):
                return None
            planned.append(_list_leaf(name, field))
        else:
            planned.append(_leaf(name, field))
    return _Plan(
        schema,
        tuple(planned),
        tuple(hooked["validates_schema"]),
        tuple(hooked["post_load"]),
        by_name={entry.name: entry for entry in planned},
        place={entry.name: index for index, entry in enumerate(planned)},
        required=frozenset(e.name for e in planned if e.field.required),
        hooks=tuple(getattr(schema, name) for name in hooked["validates_schema"]),
        post=tuple(getattr(schema, name) for name in hooked["post_load"]),
    )


def _leaf(name: str, field: fields.Field[Any]) -> _Field:
    direct = not field.pre_load and not field.post_load
    text = type(field)._deserialize is fields.String._deserialize
    return _Field(name, field, _LEAF, None, None, direct, direct and text)


def _list_leaf(name: str, field: fields.List[Any]) -> _Field:
    """A list of leaves (e.g. tags' values): each element as a direct leaf
    when the list and its element have no pre/post_load, else marshmallow's."""
    inner = _leaf(name, field.inner)
    if not inner.direct or field.pre_load or field.post_load:
        return _Field(name, field, _LEAF, None, None)
    return _Field(name, field, _LEAF, None, None, True, False, inner)


def _element(entry: _Field, value: Any) -> Any:
    """A list element as `entry.field.deserialize(value)` loads it."""
    field = entry.field
    if value is None:
        if not field.allow_none:
            raise _Refused
        return None
    if not (entry.text and type(value) is str):
        value = field._deserialize(value, None, None)
    for validator in field.validators:
        if validator(value) is False:
            raise _Refused
    return value


def _nested(field: fields.Nested) -> tuple[Schema, _Plan] | None:
    if field.many or field.only or field.exclude or field.unknown is not None:
        return None
    schema = field.schema
    plan = _plan_of(schema)
    return (schema, plan) if plan is not None else None


def _load(plan: _Plan, data: Any) -> dict[str, Any]:
    if type(data) is not dict and not isinstance(data, Mapping):
        raise _Refused
    keys = data.keys()
    if not plan.required <= keys:
        raise _Refused
    out: dict[str, Any] = {}
    by_name, place = plan.by_name, plan.place
    last, shuffled = -1, False
    for name, value in data.items():
        entry = by_name.get(name)
        if entry is None:
            continue  # unknown keys are dropped (EXCLUDE)
        if place[name] < last:
            shuffled = True
        last = place[name]
        field = entry.field
        if entry.kind == _LEAF and not entry.direct:
            out[name] = field.deserialize(value, name, data)
            continue
        # Field.deserialize without its bookkeeping: None, then the type, then
        # each validator (a failure refuses: marshmallow reports it).
        if value is None:
            if not field.allow_none:
                raise _Refused
            out[name] = None
            continue
        if entry.kind == _LEAF:
            if entry.inner is not None:  # a list of leaves: JSON arrays only here
                if type(value) is not list:
                    raise _Refused
                inner = entry.inner
                value = [_element(inner, element) for element in value]
            elif not (entry.text and type(value) is str):
                value = field._deserialize(value, name, data)
            for validator in field.validators:
                if validator(value) is False:
                    raise _Refused
            out[name] = value
            continue
        assert entry.plan is not None
        if entry.kind == _NESTED:
            result: Any = _load(entry.plan, value)
        else:
            if not isinstance(value, list):
                raise _Refused
            result = [_load(entry.plan, element) for element in value]
        for validator in field.validators:
            if validator(result) is False:
                raise _Refused
        out[name] = result
    if shuffled:  # marshmallow's result has the declared order
        out = {name: out[name] for name in by_name if name in out}
    for hook in plan.hooks:
        hook(out, partial=None, many=False, unknown=EXCLUDE)
    for processor in plan.post:
        out = processor(out, many=False, partial=None, unknown=EXCLUDE)
    return out
