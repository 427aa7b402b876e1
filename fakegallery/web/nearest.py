"""The known route closest to an unknown path, for the 404 message
(docs/behaviour.md §5.13): a missing ``/v2``, ``gallery`` for ``galleries``,
a typo in a /_fake/ route.

Each route template's placeholders take the request's own segments where the
segment counts line up, so only the fixed parts are compared; the best
similarity above a threshold wins. Paths longer than `MAX_PATH` are not
compared (the comparison is quadratic in the path length).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

MAX_PATH = 512
THRESHOLD = 0.75
# compiled on the first unknown route, by re's cache
_PLACEHOLDER = r"\{[^/{}]+\}"
_ID = r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"
#: what a placeholder and an id-like segment both become before comparing
_ANY = "{}"


class RouteHints:
    """Known routes as (method, template) pairs, e.g. ("GET",
    "/pro-gallery/v2/galleries/{galleryId}")."""

    def __init__(self, routes: Iterable[tuple[str, str]]) -> None:
        self.routes = sorted(set(routes))

    def closest(self, method: str, path: str) -> str | None:
        """``"GET /pro-gallery/v2/galleries"`` or None when nothing is close."""
        if len(path) > MAX_PATH or not path:
            return None
        segments = [_ANY if re.fullmatch(_ID, seg) else seg for seg in path.split("/")]
        path = "/".join(segments)
        best: tuple[float, int, str] | None = None
        for route_method, template in self.routes:
            filled = _fill(template, segments)
            score = difflib.SequenceMatcher(None, path, filled, autojunk=False).ratio()
            same_method = int(route_method == method)
            key = (score, same_method, f"{route_method} {template}")
            if best is None or key[:2] > best[:2]:
                best = key
        if best is None or best[0] < THRESHOLD:
            return None
        return best[2]


def _fill(template: str, segments: list[str]) -> str:
    """The template with each placeholder replaced by the request's segment at
    the same place (or by `_ANY` when the segment counts differ)."""
    parts = template.split("/")
    aligned = len(parts) == len(segments)
    return "/".join(
        (segments[i] if aligned else _ANY) if re.fullmatch(_PLACEHOLDER, part) else part
        for i, part in enumerate(parts)
    )
