"""Path patterns shared by the journal's filters and the fault rules.

A pattern is matched whole against a request path. ``*`` stands for one path
segment or part of one, ``**`` for any run of segments, ``?`` for one character,
and a ``{name}`` placeholder (as in the operations table) for one whole segment.
A pattern matches the path after the API prefix, or the full path, so
``/galleries/*/items`` and ``/progallery/v2/galleries/*/items`` both work.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = r"\*\*|\*|\?|\{[^/{}]*\}"  # compiled on first use
_PARTS = {"**": ".*", "*": "[^/]*", "?": "[^/]"}


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """The regular expression of a path pattern (cached)."""
    out: list[str] = []
    last = 0
    for token in re.finditer(_TOKEN, pattern):
        out.append(re.escape(pattern[last : token.start()]))
        text = token.group()
        out.append(_PARTS.get(text, "[^/]+"))
        last = token.end()
    out.append(re.escape(pattern[last:]))
    return re.compile("".join(out))


def path_matches(pattern: str, path: str, prefix: str | None) -> bool:
    """True when `pattern` matches `path` whole, or its part after `prefix`
    (the API prefix `path` starts with, if any)."""
    regex = compile_glob(pattern)
    if regex.fullmatch(path):
        return True
    return prefix is not None and regex.fullmatch(path[len(prefix) :]) is not None


def find_prefix(path: str, prefixes: tuple[str, ...]) -> str | None:
    """The API prefix `path` starts with, if any."""
    for prefix in prefixes:
        if path.startswith(prefix) and (
            len(path) == len(prefix) or path[len(prefix)] == "/"
        ):
            return prefix
    return None
