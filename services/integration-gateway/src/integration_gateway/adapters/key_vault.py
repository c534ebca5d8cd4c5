"""Encrypts stored API keys, so HMAC signatures made with them can be verified later."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet


class KeyVault:
    def __init__(self, secret: str) -> None:
        self._fernet = Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))

    def seal(self, key: str) -> bytes:
        return self._fernet.encrypt(key.encode())

    def open(self, sealed: bytes) -> str:
        return self._fernet.decrypt(sealed).decode()
