"""Size limits on a parsed JSON body, checked before any schema runs (so a
huge request costs one linear walk, never a full validation): the longest
string or object key (setting MAX_STRING_LENGTH) and the most items one
gallery request holds (MAX_ITEMS_PER_REQUEST). Each refusal is a Wix-shaped
400 naming the field, the rule and the limit (docs/configuration.md, "Limits").
"""

from __future__ import annotations

from typing import Any

from ..errors import MAX_LENGTH, MAX_SIZE, FieldViolation, InvalidArgument

#: A refusal names at most this many fields.
MAX_REPORTED = 10
#: How much of a too-long object key a field path shows.
KEY_SHOWN = 40


def check_strings(data: Any, max_length: int, raw: bytes | None = None) -> None:
    """Every string and object key in `data` has at most `max_length`
    characters; else a 400 naming each offending field (MAX_LENGTH). `raw`,
    the JSON text `data` was parsed from, lets most bodies skip the walk."""
    if raw is not None and not _long_token(raw, max_length):
        return
    found: list[FieldViolation] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack and len(found) < MAX_REPORTED:
        path, value = stack.pop()
        if isinstance(value, str):
            if len(value) > max_length:
                found.append(_too_long(path or "body", len(value), max_length))
        elif isinstance(value, dict):
            for key, child in reversed(value.items()):
                child_path = f"{path}.{_shown(key)}" if path else _shown(key)
                if len(key) > max_length:
                    found.append(_too_long(child_path, len(key), max_length, "key"))
                stack.append((child_path, child))
        elif isinstance(value, list):
            stack.extend(
                (f"{path}[{index}]", child)
                for index, child in reversed(list(enumerate(value)))
            )
    if found:
        raise InvalidArgument(found[:MAX_REPORTED])


def _long_token(raw: bytes, max_length: int) -> bool:
    """False when no JSON string in `raw` can hold more than `max_length`
    characters. With escaped backslashes and quotes masked, every quote left
    delimits a string, and a string of more than `max_length` characters
    spans more than `max_length` bytes between two of them. C-speed byte
    operations instead of a walk over every value of a large body; a True
    (also from long runs outside strings) only means "walk and see"."""
    if len(raw) <= max_length:
        return False
    masked = raw.replace(b"\\\\", b"__").replace(b'\\"', b"__")
    return max(map(len, masked.split(b'"'))) > max_length


def check_items(data: Any, max_items: int) -> None:
    """`gallery.items` (createGallery, updateGallery, Editor galleries) has at
    most `max_items` entries; else a 400 on `gallery.items` (MAX_SIZE)."""
    gallery = data.get("gallery") if isinstance(data, dict) else None
    items = gallery.get("items") if isinstance(gallery, dict) else None
    if isinstance(items, list) and len(items) > max_items:
        raise InvalidArgument.one(
            "gallery.items",
            f"has {len(items)} entries; one request takes at most {max_items} "
            "(setting MAX_ITEMS_PER_REQUEST)",
            MAX_SIZE,
            maxSize=max_items,
        )


def _shown(key: str) -> str:
    return key if len(key) <= KEY_SHOWN else key[:KEY_SHOWN] + "…"


def _too_long(
    path: str, length: int, limit: int, what: str = "value"
) -> FieldViolation:
    return FieldViolation(
        path,
        f"{what} has {length} characters; at most {limit} are accepted "
        "(setting MAX_STRING_LENGTH)",
        MAX_LENGTH,
        {"maxLength": limit},
    )
