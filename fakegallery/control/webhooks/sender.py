"""The HTTP side of a webhook attempt: one POST of a token with a timeout,
reduced to what the delivery log records (docs/webhooks.md#delivery)."""

from __future__ import annotations

from typing import Any

#: How much of a failed answer's body an attempt keeps.
MAX_RESPONSE_CHARS = 500
HEADERS = {"Content-Type": "text/plain", "User-Agent": "fakegallery-webhooks"}


class Sender:
    """POSTs a token to a URL with a timeout; keeps connections alive.
    urllib3 is imported on the first POST, not with the app."""

    def __init__(self, timeout_ms: int) -> None:
        self.timeout_ms = timeout_ms
        self._pool: Any = None

    def post(self, url: str, token: str) -> tuple[int | None, str | None, str | None]:
        """(status, error, start of a non-2xx body); error is set instead of
        the status when no answer came."""
        import urllib3
        from urllib3.exceptions import (
            ConnectTimeoutError,
            NewConnectionError,
            ReadTimeoutError,
        )

        if self._pool is None:
            self._pool = urllib3.PoolManager(num_pools=32, maxsize=4, block=False)
        try:
            response = self._pool.request(
                "POST",
                url,
                body=token.encode("ascii"),
                headers=HEADERS,
                retries=False,
                redirect=False,
                timeout=urllib3.Timeout(total=self.timeout_ms / 1000),
                preload_content=False,
            )
            status = int(response.status)
            body = response.read(MAX_RESPONSE_CHARS + 1, decode_content=False)
        except NewConnectionError as exc:  # first: urllib3 derives it from timeouts
            return None, f"cannot connect: {_reason(exc)}", None
        except (ReadTimeoutError, ConnectTimeoutError, TimeoutError):
            return None, f"timeout: no answer within {self.timeout_ms} ms", None
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {_reason(exc)}", None
        if len(body) > MAX_RESPONSE_CHARS:
            response.close()  # do not read an endless body to reuse a socket
        else:
            response.release_conn()
        if 200 <= status < 300:
            return status, None, None
        text = body[:MAX_RESPONSE_CHARS].decode("utf-8", "replace")
        return status, None, text or None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.clear()


def _reason(exc: BaseException) -> str:
    text = str(exc)
    # urllib3 starts with the connection's repr: "HTTPConnection(host=…): …"
    for marker in ("Failed to establish a new connection: ", "): ", ">: "):
        if marker in text:
            return text.split(marker, 1)[1]
    return text
