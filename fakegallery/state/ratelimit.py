"""The RATE_LIMIT setting: a token bucket per site (or per API key) that
answers 429 TOO_MANY_REQUESTS with Retry-After when it is empty
(docs/journal-and-faults.md#rate-limit).

A bucket holds up to `count` calls and refills at `count` per `period` seconds
of the fake's clock: a frozen clock refills nothing until it is advanced, so a
test controls exactly when calls are allowed again. A component: a site's
bucket is dropped with the site.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

Json = dict[str, Any]

#: Buckets kept at once; the least recently used one is forgotten past this
#: (it starts full again when its caller returns).
MAX_BUCKETS = 10_000


def bucket_key(by: str, site_id: str, api_key: str | None) -> str:
    """The bucket a call draws from. Keys are hashed: a dump never holds one."""
    if by == "key":
        digest = hashlib.sha256((api_key or "").encode()).hexdigest()[:16]
        return f"key:{digest}"
    return f"site:{site_id}"


class RateLimiter:
    name: ClassVar[str] = "rateLimit"

    def __init__(
        self,
        rate: tuple[int, float] | None,
        now: Callable[[], float],
        max_buckets: int = MAX_BUCKETS,
    ) -> None:
        self.rate = rate
        self._now = now
        self.max_buckets = max_buckets
        self._lock = threading.Lock()
        #: key → (tokens, time of the last refill in epoch seconds)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate is not None

    # --- component ----------------------------------------------------------------

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def drop_site(self, site_id: str) -> None:
        with self._lock:
            self._buckets.pop(f"site:{site_id}", None)

    def dump(self) -> Json:
        with self._lock:
            return {"buckets": {k: list(v) for k, v in self._buckets.items()}}

    def restore(self, data: Json) -> None:
        with self._lock:
            self._buckets = OrderedDict(
                (k, (float(v[0]), float(v[1])))
                for k, v in data.get("buckets", {}).items()
            )

    # --- limiting -----------------------------------------------------------------

    def take(self, key: str) -> int | None:
        """Spend one call from `key`'s bucket: None when allowed, else the
        whole seconds until the bucket holds a call again (at least 1)."""
        if self.rate is None:
            return None
        count, period = self.rate
        per_second = count / period
        now = self._now()
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(count), now))
            tokens = min(float(count), tokens + max(now - last, 0.0) * per_second)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        if allowed:
            return None
        return max(1, math.ceil((1.0 - tokens) / per_second))
