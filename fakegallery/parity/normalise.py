"""Snapshot transformers and the ordered JSON comparison (docs/parity.md).

As in LocalStack's snapshot tests, what changes from run to run is replaced by
placeholders before two answers are compared: GUIDs become `<uuid:N>`, dates
`<date>` (`<date:fraction-6>` with six fraction digits, so the format still
counts), the `X-Wix-Request-Id` header `<request-id>`, server-chosen
`sortOrder`s `<sort-order:N>` and server-chosen Wix media ids `<media-id:N>`
(N counts first appearances, so "the same id twice" survives). Values the
scenario itself sent stay as they are, so an echo that changes them shows.
The comparison also reports key order, which text snapshots depend on.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE
)
#: Wix media ids: `11062b_<32 hex>~mv2.jpeg` and the older `<32 hex>.jpg`.
MEDIA_ID = re.compile(
    r"(?<![0-9a-zA-Z_])(?:[0-9a-f]{6}_[0-9a-f]{32}(?:~mv2)?|[0-9a-f]{32})\.[a-z0-9]+"
)
REQUEST_ID = "<request-id>"


class Normaliser:
    """Masks run-dependent values; one instance per scenario run, so numbering
    is shared by all the answers of the run."""

    def __init__(
        self, sent: Iterable[Any] = (), mask_all_media_ids: bool = False
    ) -> None:
        self.sent_strings = {v for v in sent if isinstance(v, str)}
        self.sent_numbers = {
            v for v in sent if isinstance(v, int | float) and not isinstance(v, bool)
        }
        self.mask_all_media_ids = mask_all_media_ids
        self._numbers: dict[str, dict[Any, int]] = {}

    def _label(self, kind: str, value: Any) -> str:
        seen = self._numbers.setdefault(kind, {})
        number = seen.setdefault(value, len(seen) + 1)
        return f"<{kind}:{number}>"

    def __call__(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, Mapping):
            return {k: self(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v, key) for v in value]
        if isinstance(value, str):
            return self._string(value)
        if (
            key == "sortOrder"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and value not in self.sent_numbers
        ):
            return self._label("sort-order", value)
        return value

    def _string(self, text: str) -> str:
        date = DATE.fullmatch(text)
        if date:
            fraction = date.group(1)
            return f"<date:fraction-{len(fraction) - 1}>" if fraction else "<date>"
        text = GUID.sub(lambda m: self._label("uuid", m.group().lower()), text)

        def media(match: re.Match[str]) -> str:
            found = match.group()
            if not self.mask_all_media_ids and found in self.sent_strings:
                return found
            return self._label("media-id", found)

        return MEDIA_ID.sub(media, text)


def sent_values(data: Any) -> list[Any]:
    """Every scalar inside a request body (what the scenario itself chose)."""
    out: list[Any] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif node is not None:
            out.append(node)
    return out


@dataclass(frozen=True)
class Difference:
    """One place where two normalised answers disagree."""

    path: str
    kind: str  # value | type | missing | unexpected | order | length
    expected: Any = None
    actual: Any = None

    def __str__(self) -> str:
        if self.kind == "missing":
            return f"{self.path}: missing (expected {_short(self.expected)})"
        if self.kind == "unexpected":
            return f"{self.path}: unexpected {_short(self.actual)}"
        if self.kind == "order":
            return f"{self.path}: keys in order {self.actual}, expected {self.expected}"
        return (
            f"{self.path}: {self.kind} differs: expected {_short(self.expected)}, "
            f"got {_short(self.actual)}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "expected": self.expected,
            "actual": self.actual,
        }


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ignored(path: str, patterns: Iterable[str]) -> bool:
    """`path` matches one of the ignore patterns (`*` matches within a step)."""
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def compare(
    expected: Any, actual: Any, path: str = "$", ignore: Iterable[str] = ()
) -> list[Difference]:
    """Every difference between two normalised JSON values, keys in order
    included. Paths matching an `ignore` pattern are skipped."""
    patterns = tuple(ignore)
    found: list[Difference] = []
    _compare(expected, actual, path, patterns, found)
    return found


def _compare(
    expected: Any,
    actual: Any,
    path: str,
    ignore: tuple[str, ...],
    out: list[Difference],
) -> None:
    if ignored(path, ignore):
        return
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key in expected:
            child = f"{path}.{key}"
            if key not in actual:
                if not ignored(child, ignore):
                    out.append(Difference(child, "missing", expected[key]))
            else:
                _compare(expected[key], actual[key], child, ignore, out)
        for key in actual:
            child = f"{path}.{key}"
            if key not in expected and not ignored(child, ignore):
                out.append(Difference(child, "unexpected", actual=actual[key]))
        both = [
            k for k in expected if k in actual and not ignored(f"{path}.{k}", ignore)
        ]
        got = [
            k for k in actual if k in expected and not ignored(f"{path}.{k}", ignore)
        ]
        if both != got:
            out.append(Difference(path, "order", both, got))
        return
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (exp, act) in enumerate(zip(expected, actual, strict=False)):
            _compare(exp, act, f"{path}[{index}]", ignore, out)
        if len(expected) != len(actual):
            out.append(Difference(path, "length", len(expected), len(actual)))
        return
    if type(expected) is not type(actual) and not (
        isinstance(expected, int | float)
        and isinstance(actual, int | float)
        and not isinstance(expected, bool)
        and not isinstance(actual, bool)
    ):
        out.append(Difference(path, "type", expected, actual))
    elif expected != actual:
        out.append(Difference(path, "value", expected, actual))
