"""Validation toolkit of schemas.py: field types, validators, Base, and `load`.
The field types are strict about JSON types; `load` turns the rule-coded messages
(``RULE|hex(json data)|text``) into Wix field violations with wire paths."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar

import orjson
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load

from .. import errors as E
from ..state.clock import GUID_RE as GUID_RE
from ..state.clock import format_time, parse_time
from .fastload import fast_load


def rule(code: str, text: str, **data: Any) -> str:
    """Encode a rule, its data and its text into one marshmallow message."""
    # hex keeps JSON braces away from marshmallow's str.format of messages
    return f"{code}|{orjson.dumps(data).hex()}|{text}"


Messages = dict[str, str | list[Any] | dict[Any, Any]]

#: True while loose mode re-validates a body (`relaxing`): the value rules let
#: values through (docs/journal-and-faults.md).
_RELAXED: ContextVar[bool] = ContextVar("fakegallery_relaxed", default=False)


def _type_messages(kind: str, article: str = "a") -> Messages:
    wrong = rule(E.FORMAT, f"must be {article} {kind}", type=kind)
    return {
        "invalid": wrong,
        "type": wrong,
        "required": rule(E.REQUIRED_FIELD, "is required"),
        "null": rule(E.FORMAT, "must not be null", type=kind),
    }


class Str(fields.String):
    default_error_messages = _type_messages("string")


#: Deepest nesting accepted inside a free-form object (protobuf's default
#: recursion limit). Deeper values would crash orjson.dumps (limit 254 levels)
#: when the item is stored or echoed in an event: a 500 (found by review).
MAX_FREE_FORM_DEPTH = 100


def _depth(value: Any) -> int:
    """How many objects/arrays deep `value` nests (a scalar is 0)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def shallow(value: Any) -> None:
    """Validator of free-form objects: at most MAX_FREE_FORM_DEPTH levels."""
    if _depth(value) > MAX_FREE_FORM_DEPTH:
        raise ValidationError(
            rule(
                E.MAX,
                f"nests deeper than {MAX_FREE_FORM_DEPTH} levels",
                maxDepth=MAX_FREE_FORM_DEPTH,
            )
        )


class Dict(fields.Dict):
    """A free-form JSON object (exif, css, wixLinkData), stored as sent."""

    default_error_messages = _type_messages("object", "an")

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.validators.append(shallow)


class ListOf(fields.List[Any]):
    default_error_messages = _type_messages("array", "an")


class Obj(fields.Nested):
    default_error_messages = _type_messages("object", "an")


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class Int(fields.Field[int]):
    """A JSON integer; booleans, floats and numeric strings are refused."""

    default_error_messages = _type_messages("integer", "an")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> int:
        number: int
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                number = int(value)
            else:
                raise self.make_error("invalid")
        else:
            number = value
        # A float such as 1e30 is integral but past int64: stored, it would
        # crash the JSON encoder (found by schemathesis).
        if not INT64_MIN <= number <= INT64_MAX:
            raise self.make_error("invalid")
        return number


class Num(fields.Field[float]):
    """A finite JSON number (docs/behaviour.md §4.7: the strings "NaN" and
    "Infinity" are refused)."""

    default_error_messages: Messages = {
        **_type_messages("number"),
        "finite": rule(E.FORMAT, "must be a finite number", type="number"),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
                raise self.make_error("finite")
            raise self.make_error("invalid")
        if not math.isfinite(value):
            raise self.make_error("finite")
        return value


class Guid(Str):
    """A GUID string (``@format GUID``, docs/behaviour.md §7.4)."""

    default_error_messages: Messages = {
        "guid": rule(E.FORMAT, "must be a GUID", type="GUID"),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        # `$` alone lets a final \n through
        if not GUID_RE.fullmatch(text) and not _RELAXED.get():
            raise self.make_error("guid")
        return text


class Enum(Str):
    """A string restricted to an enum's values. One rule for every enum field
    (docs/behaviour.md §4.2): the value must be one of the enum's names, exactly
    as spelt, whether the field is writable or derived; null means unset."""

    def __init__(self, choices: tuple[str, ...], **kw: Any) -> None:
        super().__init__(**kw)
        self.choices = choices

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        if text not in self.choices:
            raise ValidationError(
                rule(
                    E.FORMAT,
                    f"must be one of {', '.join(self.choices)}",
                    type="enum",
                    values=list(self.choices),
                )
            )
        return text


class Rfc3339(Str):
    """An RFC3339 date-time, normalised to whole-second UTC (fixtures only)."""

    default_error_messages: Messages = {
        "date": rule(E.FORMAT, "must be an RFC3339 date-time", type="date-time"),
    }

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw)
        try:
            return format_time(parse_time(text))
        except ValueError:
            raise self.make_error("date") from None


class Bool(fields.Field[bool]):
    """A JSON boolean; strings and numbers are refused."""

    default_error_messages = _type_messages("boolean")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def between(
    low: float | None = None, high: float | None = None
) -> Callable[[Any], None]:
    """Validator: the number lies in [low, high] (spec @min/@max annotations)."""

    def check(value: Any) -> None:
        if value is None or _RELAXED.get():
            return
        if low is not None and value < low:
            raise ValidationError(rule(E.MIN, f"must be at least {low}", min=low))
        if high is not None and value > high:
            raise ValidationError(rule(E.MAX, f"must be at most {high}", max=high))

    return check


def sized(low: int | None = None, high: int | None = None) -> Callable[[Any], None]:
    """Validator: the array has between low and high entries."""

    def check(value: Any) -> None:
        if _RELAXED.get():
            return
        if low is not None and len(value) < low:
            raise ValidationError(
                rule(E.MIN_SIZE, f"must have at least {low} entries", minSize=low)
            )
        if high is not None and len(value) > high:
            raise ValidationError(
                rule(E.MAX_SIZE, f"must have at most {high} entries", maxSize=high)
            )

    return check


def non_empty(value: Any) -> None:
    if value == "":
        raise ValidationError(rule(E.REQUIRED_FIELD, "must not be empty"))


class Base(Schema):
    """Wire schema base: unknown and read-only keys are dropped, not stored."""

    class Meta:
        unknown = EXCLUDE

    #: Keys a response has that input may repeat: dropped on load, rebuilt by
    #: the fake (docs/behaviour.md §6.9). Fixture files may carry them; any
    #: other key no field declares is an error there (seeding/fixtures.py).
    read_only: ClassVar[frozenset[str]] = frozenset()
    #: Declared fields the fake derives itself (item `type`, `image.type`): the
    #: value is validated like any field, then dropped (docs/behaviour.md §4.2).
    derived: ClassVar[frozenset[str]] = frozenset()

    error_messages = {
        "type": rule(E.FORMAT, "must be an object", type="object"),
    }

    @post_load
    def _drop_derived(self, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
        for key in self.derived:
            data.pop(key, None)
        return data


# --- turning marshmallow errors into Wix field violations ---------------------


def violations(messages: Any, path: str = "") -> list[E.FieldViolation]:
    """Flatten marshmallow's nested messages into violations with wire paths,
    e.g. ``gallery.items[3].image.imageInfo.id``."""
    found: list[E.FieldViolation] = []
    if isinstance(messages, Mapping):
        for key, sub in messages.items():
            if key == "_schema":
                child = path
            elif isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            found.extend(violations(sub, child))
    elif isinstance(messages, list | tuple):
        for message in messages:
            found.extend(violations(message, path))
    else:
        found.append(_decode(str(messages), path))
    return found


def _decode(message: str, path: str) -> E.FieldViolation:
    parts = message.split("|", 2)
    if len(parts) == 3 and parts[0].isupper():
        data = orjson.loads(bytes.fromhex(parts[1]))
        return E.FieldViolation(path, parts[2], parts[0], data)
    return E.FieldViolation(path, message, E.INVALID_ARGUMENT)


def load(schema: Schema, data: Any, path: str = "") -> dict[str, Any]:
    """Validate `data`; raise `InvalidArgument` naming every broken field.
    Valid input takes the fast path (fastload.py); the rest, marshmallow's."""
    fast = fast_load(schema, data)
    if fast is not None:
        return fast
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        raise E.InvalidArgument(violations(exc.messages, path)) from None
    return result


@contextmanager
def relaxing() -> Iterator[None]:
    """Let the value rules (bounds, sizes, GUID formats) pass (gallery/loose.py)."""
    token = _RELAXED.set(True)
    try:
        yield
    finally:
        _RELAXED.reset(token)
