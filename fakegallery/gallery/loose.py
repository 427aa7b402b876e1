"""MODE=loose: what it relaxes, and how it tells (docs/journal-and-faults.md
#strict-and-loose).

Loose mode lets through values that break Wix's value rules — bounds, array
sizes, GUID formats, query numbers — and never the response shape: types,
required fields, the one-media rule and JSON limits stay enforced. Every rule
it relaxed in a call is listed in the journal entry (`rulesRelaxed`) and in an
ASCII-only `X-Fake-Violations` header, so a test sees what Wix would refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import FieldViolation, InvalidArgument

if TYPE_CHECKING:
    from marshmallow import Schema

HEADER = "X-Fake-Violations"
#: The header stops listing past this many characters ("… N more").
MAX_HEADER = 2000


def header_value(relaxed: Sequence[FieldViolation]) -> str:
    """``item.image.quality MAX; limit MAX``: each relaxed rule as its field
    (``(body)`` for the body itself) and rule name, ASCII only."""
    parts: list[str] = []
    size = 0
    for index, violation in enumerate(relaxed):
        part = f"{violation.field or '(body)'} {violation.rule}"
        part = part.encode("ascii", "backslashreplace").decode("ascii")
        part = "".join(c if " " <= c <= "~" else "?" for c in part)
        if size + len(part) > MAX_HEADER:
            parts.append(f"... {len(relaxed) - index} more")
            break
        parts.append(part)
        size += len(part) + 2
    return "; ".join(parts)


def load_relaxed(
    schema: Schema, data: Any, relaxed: list[FieldViolation] | None
) -> dict[str, Any]:
    """Validate `data`. Loose mode passes a `relaxed` list: a body that breaks
    only value rules is then accepted, and the rules strict mode would have
    enforced are appended to the list. Any other broken rule is still a 400,
    naming only the rules loose mode keeps."""
    from .fields import load, relaxing  # marshmallow: once a body is validated

    try:
        return load(schema, data)
    except InvalidArgument as strict:
        if relaxed is None:
            raise
        violations = strict.violations
    with relaxing():
        result = load(schema, data)  # a 400 here names only the kept rules
    relaxed.extend(violations)
    return result
