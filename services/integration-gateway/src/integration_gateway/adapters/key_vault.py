"""Seals the secrets the gateway must be able to use again later: agencies' API keys (to verify
HMAC signatures) and connectors' webhook secrets (to sign deliveries).

KEY_ENCRYPTION_SECRET may list several secrets, comma-separated, newest first (MultiFernet):
sealing uses the first, opening tries each. To rotate: put the new secret first and keep the
old one after it, restart, run `pasc gateway reseal` (every sealed value is sealed again with
the new secret), then drop the old one.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def secrets_of(setting: str) -> list[str]:
    """The secrets a KEY_ENCRYPTION_SECRET value lists, newest first."""
    found = [s.strip() for s in setting.split(",") if s.strip()]
    if not found:
        raise ValueError("KEY_ENCRYPTION_SECRET lists no secret")
    return found


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


class KeyVault:
    def __init__(self, secret: str) -> None:
        self._fernet = MultiFernet([_fernet(s) for s in secrets_of(secret)])

    def seal(self, key: str) -> bytes:
        return self._fernet.encrypt(key.encode())

    def open(self, sealed: bytes) -> str:
        return self._fernet.decrypt(sealed).decode()

    def reseal(self, sealed: bytes) -> bytes:
        """The same value sealed with the newest secret (raises InvalidToken if none opens it)."""
        return self._fernet.rotate(sealed)


__all__ = ["InvalidToken", "KeyVault", "secrets_of"]
