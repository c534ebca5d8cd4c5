"""API keys, signatures and pseudonyms: the gateway's cryptography, with no I/O.

An API key is `pasc_<key id>_<secret>`; only its SHA-256 is stored (the secret has 256 bits of
entropy, so a slow hash adds nothing), plus a sealed copy to verify Kafka ingress signatures
(`pasc_contracts.dvcqg.ingress_signature`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from pasc_contracts.dvcqg import ingress_signature

KEY_PREFIX = "pasc"
_KEY_ID = re.compile(r"[0-9a-f]{12}")


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    secret_key: str
    key_hash: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key() -> IssuedKey:
    key_id = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    return IssuedKey(key_id=key_id, secret_key=key, key_hash=hash_key(key))


def key_id_of(key: str) -> str | None:
    parts = key.split("_", 2)
    # Issued ids are 12 hex digits; anything else is no key id (and is never audited verbatim).
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not _KEY_ID.fullmatch(parts[1]):
        return None
    return parts[1]


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def sign(key: str, timestamp: str, message_id: str, body: bytes) -> str:
    return ingress_signature(key, timestamp, message_id, body)


def signature_matches(
    key: str, timestamp: str, message_id: str, body: bytes, signature: str
) -> bool:
    if not signature.isascii():
        return False  # compare_digest raises TypeError on non-ASCII text: never a signature
    return hmac.compare_digest(sign(key, timestamp, message_id, body), signature)


def pseudonym(secret: str, id_number: str | None) -> str | None:
    """A stable applicant id that cannot be turned back into the ID number without the secret."""
    if not id_number or not id_number.strip():
        return None
    normalized = "".join(id_number.split()).upper()
    return hmac.new(secret.encode(), normalized.encode(), "sha256").hexdigest()[:20]


def hmac_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode(), b.encode())
