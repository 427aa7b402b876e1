"""JSON bytes to keep: orjson's output copied into a bytes object of its
exact size.

`orjson.dumps` answers with a bytes object whose allocation keeps the slack of
its output buffer: about 4 KiB for a 600-byte item. A store of items, or a log
of events, that keeps those objects as they come uses several times the
memory its JSON needs (docs/performance.md, memory). Everything the state
keeps as JSON goes through `dumps` here.
"""

from __future__ import annotations

from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    """orjson.dumps(value) in an exact-size bytes object."""
    return bytes(memoryview(orjson.dumps(value)))
