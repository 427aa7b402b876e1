"""The fault-rule format of POST /_fake/faults and the test handle, checked
whole before a rule is added (docs/journal-and-faults.md#fault-rules). Unknown
keys are errors here: a misspelt key would otherwise fail every call."""

from __future__ import annotations

from typing import Any

import orjson
from marshmallow import RAISE, ValidationError, validates_schema
from marshmallow import fields as mf

from .. import errors as E
from ..gallery import fields as F
from ..gallery.operations import BY_ID
from ..gallery.routes import PREFIXES
from ..state.faults import CONNECTION_FAULTS

Json = dict[str, Any]

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
#: The longest delay a rule may ask for (ms): long enough for any client
#: timeout, short enough that a forgotten rule cannot hang a suite for long.
MAX_DELAY_MS = 120_000
#: The largest rule accepted, as JSON (a custom body included).
MAX_RULE_BYTES = 64 * 1024
#: Headers a rule may not set: the server owns the framing of the answer.
FORBIDDEN_HEADERS = frozenset(
    {"connection", "content-length", "transfer-encoding", "keep-alive", "upgrade"}
)
OPERATION_IDS = tuple(BY_ID)


def _bad(text: str, rule: str = E.FORMAT, **data: Any) -> ValidationError:
    return ValidationError(F.rule(rule, text, **data))


class Strict(F.Base):
    """Unknown keys are an error, not dropped."""

    class Meta:
        unknown = RAISE

    error_messages = {
        **F.Base.error_messages,
        "unknown": F.rule(E.UNKNOWN_FIELD, "is not a known key"),
    }


class Method(F.Str):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> str:
        text = super()._deserialize(value, attr, data, **kw).upper()
        if text not in METHODS:
            raise _bad(
                f"must be one of {', '.join(METHODS)}", type="enum", values=METHODS
            )
        return text


def _operation(value: str) -> None:
    if value not in BY_ID:
        raise _bad(
            f"must be an operation id: {', '.join(OPERATION_IDS)}",
            type="operationId",
            values=list(OPERATION_IDS),
        )


def _path(value: str) -> None:
    if not value.startswith("/") or len(value) > 1000:
        raise _bad("must be a path pattern starting with / (at most 1000 chars)")


class Delay(mf.Field[Any]):
    """`delayMs`: whole milliseconds, or a [min, max] range."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kw: Any) -> Any:
        text = f"must be milliseconds (0–{MAX_DELAY_MS}) or a [min, max] range"
        values = value if isinstance(value, list) else [value]
        ok_type = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        if (
            not ok_type
            or len(values) not in (1, 2)
            or (isinstance(value, list) and (len(values) != 2 or values[0] > values[1]))
        ):
            raise _bad(text, type="delay")
        if not all(0 <= v <= MAX_DELAY_MS for v in values):
            raise _bad(text, E.MAX, max=MAX_DELAY_MS)
        return list(values) if isinstance(value, list) else value


def _headers(value: dict[str, Any]) -> None:
    for name, text in value.items():
        token = name.isascii() and name.replace("-", "").isalnum()
        if not token or name.lower() in FORBIDDEN_HEADERS:
            raise _bad(f"header name {name!r} is not allowed")
        if (
            not isinstance(text, str)
            or not text.isascii()
            or any(c in text for c in "\r\n\0")
        ):
            raise _bad(f"header {name!r} must be a one-line ASCII string")


class MatchSchema(Strict):
    operation = F.Str(validate=_operation)
    method = Method()
    path = F.Str(validate=_path)
    siteId = F.Str(validate=F.non_empty)
    prefix = F.Enum(PREFIXES)

    @validates_schema
    def _something(self, data: Json, **kw: Any) -> None:
        if not {"operation", "method", "path"} & set(data):
            raise ValidationError(
                F.rule(E.REQUIRED_FIELD, "needs an operation, a method or a path")
            )
        op = BY_ID.get(data.get("operation", ""))
        if (
            op is not None
            and data.get("method", op.method.upper()) != op.method.upper()
        ):
            raise ValidationError(
                F.rule(
                    E.INVALID_ARGUMENT,
                    f"{op.id} is a {op.method.upper()}: this rule would never match",
                ),
                field_name="method",
            )


class ActionSchema(Strict):
    status = F.Int(validate=F.between(200, 599))
    code = F.Str(validate=F.non_empty)
    message = F.Str(validate=F.non_empty)
    body = mf.Raw(allow_none=True, validate=F.shallow)
    headers = F.Dict(validate=_headers)
    delayMs = Delay()
    connection = F.Enum(CONNECTION_FAULTS)

    @validates_schema
    def _parts(self, data: Json, **kw: Any) -> None:
        answer = sorted({"body", "headers", "code", "message"} & set(data))
        if answer and "status" not in data:
            raise ValidationError(
                F.rule(E.REQUIRED_FIELD, f"is needed with {', '.join(answer)}"),
                field_name="status",
            )
        if not {"status", "delayMs", "connection"} & set(data):
            raise ValidationError(
                F.rule(E.REQUIRED_FIELD, "needs a status, a delayMs or a connection")
            )
        if data.get("status", 400) < 400 and "body" not in data:
            raise ValidationError(
                F.rule(E.REQUIRED_FIELD, "is needed for a status below 400"),
                field_name="body",
            )
        if data.get("connection") in ("reset", "empty") and "status" in data:
            raise ValidationError(
                F.rule(
                    E.ONE_OF,
                    "reset and empty send no answer: leave out status "
                    "(truncate cuts the status's body)",
                ),
                field_name="connection",
            )


class RuleSchema(Strict):
    match = F.Obj(MatchSchema, required=True)
    action = F.Obj(ActionSchema, required=True)
    times = F.Int(allow_none=True, validate=F.between(1))
    after = F.Int(validate=F.between(0))
    probability = F.Num(validate=F.between(0, 1))
    seed = F.Int(allow_none=True)


RULE = RuleSchema()


def parse_rule(data: Any) -> Json:
    """A checked rule spec for `Faults.add`; InvalidArgument names the field."""
    if not isinstance(data, dict):
        raise E.InvalidArgument.one(
            "", "must be a JSON object", E.FORMAT, type="object"
        )
    try:
        size = len(orjson.dumps(data))
    except orjson.JSONEncodeError as exc:
        raise E.InvalidArgument.one("", f"is not JSON: {exc}", E.FORMAT) from None
    if size > MAX_RULE_BYTES:
        raise E.InvalidArgument.one(
            "",
            f"is {size} bytes; a rule holds at most {MAX_RULE_BYTES}",
            E.MAX,
            max=MAX_RULE_BYTES,
        )
    spec = F.load(RULE, data)
    return {k: v for k, v in spec.items() if v is not None}
