"""Assertions over the request journal, with near misses
(docs/journal-and-faults.md#assertions).

`assert_called` counts a site's calls of one operation whose request body
contains `json` (a subset: objects may have more keys, arrays match element by
element) and whose query holds `query`. When it fails, the message lists the
closest entries — the same operation first, else the same path — each with what
differed, field by field. When the journal dropped entries of the site, an
answer that could be wrong fails loudly instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from ..gallery.operations import BY_ID
from ..gallery.routes import PREFIXES

Record = dict[str, Any]
#: Closest entries a failure message lists.
NEAR_MISSES = 3
#: "not given" for `json` (None is a JSON value)
UNSET: Any = object()


class JournalAssertionError(AssertionError):
    """An assertion over the journal failed (the message says why)."""


class JournalIncomplete(JournalAssertionError):
    """The journal dropped entries of the site, or is off: no honest answer."""


def check_operation(operation: str | None) -> None:
    if operation is not None and operation not in BY_ID:
        raise ValueError(
            f"unknown operation {operation!r}; use one of {', '.join(BY_ID)}"
        )


# --- matching ---------------------------------------------------------------------


def json_diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """What `actual` lacks of `expected`, one line per field ([] = contains)."""
    where = path or "(body)"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{where}: expected an object, got {_show(actual)}"]
        out: list[str] = []
        for key, value in expected.items():
            child = f"{path}.{key}" if path else str(key)
            if key not in actual:
                out.append(f"{child}: expected {_show(value)}, missing")
            else:
                out.extend(json_diff(value, actual[key], child))
        return out
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]
        out = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            out.extend(json_diff(want, got, f"{path}[{index}]"))
        return out
    if _same(expected, actual):
        return []
    return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]


def _same(expected: Any, actual: Any) -> bool:
    # JSON true is not 1 (Python's bool is an int).
    return isinstance(expected, bool) == isinstance(actual, bool) and bool(
        expected == actual
    )


def query_diff(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """What the query lacks: each expected key with its value (a list for a
    repeated key; numbers compare as their text)."""
    out = []
    for name, want in expected.items():
        got = actual.get(name, UNSET)
        wanted = [str(v) for v in want] if isinstance(want, list | tuple) else str(want)
        have = (
            got if not isinstance(got, str) or not isinstance(wanted, list) else [got]
        )
        if got is UNSET:
            out.append(f"query {name}: expected {_show(wanted)}, missing")
        elif have != wanted:
            out.append(f"query {name}: expected {_show(wanted)}, got {_show(got)}")
    return out


def differences(
    record: Record, json: Any = UNSET, query: Mapping[str, Any] | None = None
) -> list[str]:
    found: list[str] = []
    if json is not UNSET:
        if record.get("requestBodyTruncated"):
            found.append("json: the request body was cut (JOURNAL_BODY_BYTES)")
        else:
            found.extend("json " + d for d in json_diff(json, record["requestBody"]))
    if query:
        found.extend(query_diff(query, record["query"]))
    return found


# --- messages ---------------------------------------------------------------------


def _show(value: Any, width: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(record: Record) -> str:
    """``#7 POST /pro-gallery/v2/galleries/…/items → 400 INVALID_ARGUMENT``."""
    query = f"?{record['queryString']}" if record.get("queryString") else ""
    code = f" {record['errorCode']}" if record.get("errorCode") else ""
    fault = " (fault)" if record.get("fault") else ""
    return (
        f"#{record['seq']} {record['method']} {record['path']}{query} "
        f"→ {record['status']}{code}{fault}"
    )


def _route_score(record: Record, operation: str) -> float:
    """How close an entry's call is to `operation`'s route: the path's
    similarity (0–1), plus 0.25 for the same method."""
    op = BY_ID[operation]
    path = record["path"]
    prefix = next((p for p in PREFIXES if path.startswith(p + "/")), "")
    template = op.path.split("/")
    parts = path[len(prefix) :].split("/")
    if len(parts) == len(template):
        template = [
            seg if t.startswith("{") else t
            for t, seg in zip(template, parts, strict=True)
        ]
    route = difflib.SequenceMatcher(
        None, "/".join(parts), "/".join(template), autojunk=False
    ).ratio()
    return route + (0.25 if record["method"] == op.method.upper() else 0.0)


def near_misses(
    records: Sequence[Record],
    operation: str,
    json: Any = UNSET,
    query: Mapping[str, Any] | None = None,
) -> list[str]:
    """The closest entries that did not match, each with what differed: calls
    of `operation` with other bodies or queries (fewest differences first),
    then calls of other routes close to its route — a typo'd path, a wrong
    method (closest first)."""
    same = [
        r
        for r in records
        if r["operation"] == operation and differences(r, json, query)
    ]
    same.sort(key=lambda r: (len(differences(r, json, query)), -r["seq"]))
    lines: list[str] = []
    for record in same[:NEAR_MISSES]:
        lines.append("  " + describe(record))
        lines.extend("      " + d for d in differences(record, json, query))
    # Once the operation was called, only routes that are close and have its
    # method (a typo'd path); otherwise any route that resembles it.
    floor = 1.0 if _called(records, operation) else 0.5
    scored = [
        (_route_score(r, operation), r) for r in records if r["operation"] != operation
    ]
    scored = [pair for pair in scored if pair[0] >= floor]
    scored.sort(key=lambda pair: (-pair[0], -pair[1]["seq"]))
    op = BY_ID[operation]
    room = 2 if same else NEAR_MISSES
    for _score, record in scored[:room]:
        lines.append("  " + describe(record))
        got = record["operation"] or "none (no such route)"
        lines.append(
            f"      operation: expected {operation} "
            f"({op.method.upper()} {op.path}), got {got}"
        )
    return lines


def _called(records: Sequence[Record], operation: str) -> bool:
    return any(r["operation"] == operation for r in records)


def _call_text(operation: str, times: int | None, json: Any, query: Any) -> str:
    args = [repr(operation)]
    if times is not None:
        args.append(f"times={times}")
    if json is not UNSET:
        args.append(f"json={_show(json, 60)}")
    if query:
        args.append(f"query={_show(query, 60)}")
    return ", ".join(args)


def verify_called(
    records: Sequence[Record],
    site_id: str,
    dropped: int,
    operation: str,
    times: int | None = None,
    json: Any = UNSET,
    query: Mapping[str, Any] | None = None,
) -> list[Record]:
    """The matching entries, or JournalAssertionError with the near misses."""
    matching = [
        r
        for r in records
        if r["operation"] == operation and not differences(r, json, query)
    ]
    passed = bool(matching) if times is None else len(matching) == times and not dropped
    if passed:
        return matching
    want = "at least 1" if times is None else f"exactly {times}"
    lines = [
        f"assert_called({_call_text(operation, times, json, query)}) failed on "
        f"site {site_id}: {len(matching)} matching call(s), expected {want}."
    ]
    if dropped:
        lines.append(_dropped_text(dropped))
    if matching:
        lines.append(f"Matching calls ({len(matching)}):")
        lines.extend("  " + describe(r) for r in matching[-NEAR_MISSES * 3 :])
    if times is None or len(matching) < times:
        misses = near_misses(records, operation, json, query)
        if misses:
            lines.append("Near misses, closest first:")
            lines.extend(misses)
        else:
            lines.append(
                f"No near misses: the journal holds {len(records)} request(s) "
                "of this site, none close."
            )
    error = JournalIncomplete if dropped else JournalAssertionError
    raise error("\n".join(lines))


def verify_not_called(
    records: Sequence[Record], site_id: str, dropped: int, operation: str
) -> None:
    same = [r for r in records if r["operation"] == operation]
    if not same and not dropped:
        return
    lines = [f"assert_not_called({operation!r}) failed on site {site_id}:"]
    if same:
        lines.append(f"{operation} was called {len(same)} time(s):")
        lines.extend("  " + describe(r) for r in same[-NEAR_MISSES:])
        raise JournalAssertionError("\n".join(lines))
    lines.append(_dropped_text(dropped))
    raise JournalIncomplete("\n".join(lines))


def _dropped_text(dropped: int) -> str:
    return (
        f"WARNING: the journal dropped {dropped} entr{'y' if dropped == 1 else 'ies'} "
        "of this site (JOURNAL_MAX_ENTRIES / JOURNAL_MAX_BYTES are full), so this "
        "answer cannot be trusted; raise the limits or clear the journal sooner."
    )
