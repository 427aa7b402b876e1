"""The RSA-2048 key pair that signs webhooks, and RS256 signing with PyJWT
(docs/webhooks.md).

Without a key file the key is made on first use, not when the app is built:
generating one costs tens of milliseconds, which a test run that never sends
a webhook should not pay. With WEBHOOK_PRIVATE_KEY_FILE the key is loaded from
that PEM file at start, or, when the file does not exist yet, generated at
start and written there, so a dev server keeps its public key across restarts
(a bad or unwritable file stops the app with the setting's name). PyJWT and
cryptography (the `webhooks` extra) are imported only here, when a key is first
needed; without them, that first need is a MissingExtra naming the extra.
"""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...config import SettingsError
from ...extras import WEBHOOKS, require

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

KEY_BITS = 2048
KEY_FILE_SETTING = "WEBHOOK_PRIVATE_KEY_FILE"


def require_crypto() -> None:
    """PyJWT and cryptography, or MissingExtra naming the `webhooks` extra
    (a Wix-shaped 501 over HTTP, a one-line error at start-up)."""
    require("jwt", WEBHOOKS)
    require("cryptography.hazmat.primitives.asymmetric.rsa", WEBHOOKS)


class SigningKey:
    """One private key per app, made lazily and thread-safely."""

    def __init__(self, key_file: str | None = None) -> None:
        self._lock = threading.Lock()
        self._key: RSAPrivateKey | None = None
        self._public_pem: str | None = None
        self.key_file = Path(key_file).expanduser() if key_file else None
        if self.key_file is not None:
            require_crypto()
            if self.key_file.exists():
                self._key = _load(self.key_file)
            else:
                self._key = _generate()
                _save(self._key, self.key_file)

    def _private(self) -> RSAPrivateKey:
        with self._lock:
            if self._key is None:
                self._key = _generate()
            return self._key

    @property
    def public_pem(self) -> str:
        """The public key as an SPKI PEM ("-----BEGIN PUBLIC KEY-----")."""
        if self._public_pem is None:
            from cryptography.hazmat.primitives import serialization

            self._public_pem = (
                self._private()
                .public_key()
                .public_bytes(
                    serialization.Encoding.PEM,
                    serialization.PublicFormat.SubjectPublicKeyInfo,
                )
                .decode("ascii")
            )
        return self._public_pem

    @property
    def public_base64(self) -> str:
        """Base64 of the PEM: the form Wix shows app developers, which the
        SDK's AppStrategy also accepts (docs/behaviour.md §8.6)."""
        return base64.b64encode(self.public_pem.encode("ascii")).decode("ascii")

    def private_pem(self) -> str:
        """The private key as PKCS#8 PEM (for the sender process)."""
        from cryptography.hazmat.primitives import serialization

        return (
            self._private()
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode("ascii")
        )

    def sign(self, claims: dict[str, Any]) -> str:
        """A compact RS256 JWT with header {"alg": "RS256", "typ": "JWT"}."""
        require_crypto()
        import jwt

        return jwt.encode(claims, self._private(), algorithm="RS256")


def _generate() -> RSAPrivateKey:
    require_crypto()
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _load(path: Path) -> RSAPrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise SettingsError(
            f"{KEY_FILE_SETTING}: cannot read {path}: {exc.strerror or exc}"
        ) from None
    except (ValueError, TypeError) as exc:
        raise SettingsError(
            f"{KEY_FILE_SETTING}: {path} is not an unencrypted PEM private key ({exc})"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < KEY_BITS:
        raise SettingsError(
            f"{KEY_FILE_SETTING}: {path} must hold an RSA key of at least "
            f"{KEY_BITS} bits (RS256)"
        )
    return key


def _save(key: RSAPrivateKey, path: Path) -> None:
    """Write the key as PKCS#8 PEM, readable by the owner only; never replace
    a file that appeared meanwhile."""
    from cryptography.hazmat.primitives import serialization

    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise SettingsError(
            f"{KEY_FILE_SETTING}: cannot create {path}: {exc.strerror or exc}"
        ) from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
