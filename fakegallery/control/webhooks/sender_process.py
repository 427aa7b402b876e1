"""The async sender's helper process: it signs and POSTs, so that neither
costs the API any time (docs/webhooks.md).

Signing with RSA-2048 holds Python's global interpreter lock for about a
millisecond, and an HTTP client needs about half a millisecond more: done in
the fake's own process, every webhook would slow the API calls running
beside it by that much. The async worker thread (delivery.py) still decides
what is attempted when and records the outcome; it hands each attempt to this
child and waits for the answer without holding the lock.

The protocol is JSON lines on the child's stdin/stdout: first
``{"key": <PEM>, "timeoutMs"}``, then per attempt ``{"url", "data"}`` →
``{"token", "status", "error", "response"}``. The child exits when its stdin
closes (the fake stopped or died). If the child cannot start or dies, the
worker signs and sends in-process instead.
"""

from __future__ import annotations

import os
import selectors
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    import subprocess

Outcome = tuple[str, int | None, str | None, str | None]


class SenderProcessError(RuntimeError):
    """The helper process did not answer; the caller falls back."""


class SenderProcess:
    """The parent's end: one child, one attempt at a time."""

    #: Extra seconds the child may take beyond the HTTP timeout (its start-up,
    #: the signature) before it counts as hung.
    GRACE_SECONDS = 10.0

    def __init__(self, private_pem: str, timeout_ms: int) -> None:
        self._setup = orjson.dumps({"key": private_pem, "timeoutMs": timeout_ms})
        self._timeout = timeout_ms / 1000 + self.GRACE_SECONDS
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._selector: selectors.BaseSelector | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        import subprocess  # on the first webhook: not a cost of every start

        # The child imports this package from where the parent found it.
        root = str(Path(__file__).resolve().parents[3])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        proc = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert proc.stdin is not None
        assert proc.stdout is not None
        proc.stdin.write(self._setup + b"\n")
        proc.stdin.flush()
        self._selector = selectors.DefaultSelector()
        self._selector.register(proc.stdout, selectors.EVENT_READ)
        return proc

    def attempt(self, url: str, data: str) -> Outcome:
        """Sign `data` now and POST it to `url`: (token, status, error,
        start of a non-2xx body). SenderProcessError when the child fails."""
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self._stop()  # a child that died: reap it, start afresh
                    self._proc = self._start()
                proc = self._proc
                assert proc.stdin is not None
                assert proc.stdout is not None
                proc.stdin.write(orjson.dumps({"url": url, "data": data}) + b"\n")
                proc.stdin.flush()
                assert self._selector is not None
                # No line within the timeout: a hung child.
                ready = self._selector.select(self._timeout)
                line = proc.stdout.readline() if ready else b""
            except (OSError, ValueError) as exc:
                self._stop()
                raise SenderProcessError(f"the sender process failed: {exc}") from exc
            if not line:
                self._stop()
                raise SenderProcessError("the sender process did not answer")
        reply: dict[str, Any] = orjson.loads(line)
        return reply["token"], reply["status"], reply["error"], reply["response"]

    def _stop(self) -> None:
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        proc, self._proc = self._proc, None
        if proc is None:
            return
        import subprocess

        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

    def close(self) -> None:
        with self._lock:
            self._stop()


def available() -> bool:
    """The helper needs pipes that `selectors` can wait on (not on Windows)."""
    return os.name == "posix"


def main() -> None:
    """The child: sign and send each job, answer one line per job."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from .envelope import claims
    from .sender import Sender

    read, write = sys.stdin.buffer, sys.stdout.buffer
    setup = orjson.loads(read.readline())
    key = load_pem_private_key(setup["key"].encode("ascii"), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise SystemExit("the sender process needs an RSA key")
    sender = Sender(int(setup["timeoutMs"]))
    for line in read:
        job = orjson.loads(line)
        token = jwt.encode(claims(job["data"], time.time()), key, algorithm="RS256")
        status, error, response = sender.post(job["url"], token)
        reply = {"token": token, "status": status, "error": error, "response": response}
        write.write(orjson.dumps(reply) + b"\n")
        write.flush()


if __name__ == "__main__":
    main()
