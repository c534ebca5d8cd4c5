"""Who is calling: API keys for HTTP, HMAC signatures for the Kafka ingress."""

from __future__ import annotations

import re
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from integration_gateway.adapters import audit, keys_store, lineage_store
from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.domain.identity import (
    hash_key,
    issue_key,
    key_matches,
    signature_matches,
)
from integration_gateway.domain.identity import (
    key_id_of as key_id_of,  # re-exported: routes name a presented key by its id
)
from integration_gateway.domain.lineage import Bound, Ended, bind
from integration_gateway.domain.normalize import UNIT_CODE
from pasc_contracts import VN_TZ, now_vn
from pasc_contracts.codec import DecodeError
from pasc_contracts.dvcqg import (
    INGRESS_HEADER_AGENCY,
    INGRESS_HEADER_MESSAGE_ID,
    INGRESS_HEADER_SIGNATURE,
    INGRESS_HEADER_TIMESTAMP,
)
from pasc_contracts.events.deadletter import FailureKind
from pasc_runtime.db import Connection

AGENCY_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")
INGRESS_NAMESPACE = uuid.UUID("2b9f7f0e-8c4d-4a8e-b6a3-5d0f1e2c3b4a")
HEADER_AGENCY = INGRESS_HEADER_AGENCY
HEADER_TIMESTAMP = INGRESS_HEADER_TIMESTAMP
HEADER_MESSAGE_ID = INGRESS_HEADER_MESSAGE_ID
HEADER_SIGNATURE = INGRESS_HEADER_SIGNATURE
MAX_MESSAGE_ID = 200


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
SESSION_PREFIX = "pascs_"


@dataclass(frozen=True)
class Caller:
    agency_code: str
    key_id: str
    unit_code: str | None = None
    sent_as: str | None = None  # the predecessor whose key this is, when bound to a successor
    bound: Bound | None = None  # set when the agency's lineage binds or extends what it holds
    issued_at: datetime | None = None  # when the key was issued (old keys are bound, see lineage)

    @property
    def actor(self) -> str:
        return f"key:{self.key_id}"


class InvalidAgency(ValueError):
    pass


LINEAGE_VI = {"rename": "đổi tên", "merge": "hợp nhất", "split": "chia tách", "close": "giải thể"}


class AgencyEnded(ValueError):
    """A key of an agency that ended (merged, renamed, split, closed) past its transition."""

    def __init__(self, ended: Ended) -> None:
        s = ended.succession
        self.code = "key_of_closed_agency" if ended.until is None else "agency_transition_ended"
        self.succession = s
        what = LINEAGE_VI.get(s.kind, s.kind)
        text = (
            f"Cơ quan {s.predecessor} đã {what} theo quyết định {s.decision_no} từ ngày"
            f" {s.effective_from:%d/%m/%Y}"
        )
        if ended.until is None:
            text += "; khóa API của cơ quan này không còn hiệu lực"
        else:
            text += (
                f"; khóa API và mã hồ sơ cũ chỉ được chấp nhận đến hết ngày {ended.until:%d/%m/%Y}."
                f" Hãy dùng khóa của {', '.join(s.successors)}"
            )
        super().__init__(text)


async def bind_lineage(db: Any, found: Caller, default_days: int) -> Caller:
    """The caller as the agency lineage says today: a predecessor's key bound to its
    successors during the transition, a successor holding its predecessors' dossiers.
    Raises AgencyEnded past the transition (or for a closed agency)."""
    successions = await lineage_store.successions(db)
    if not successions:
        return found
    issued_on = found.issued_at.astimezone(VN_TZ).date() if found.issued_at else None
    result = bind(found.agency_code, successions, now_vn().date(), default_days, issued_on)
    if isinstance(result, Ended):
        raise AgencyEnded(result)
    if result.sent_as is None and all(len(held) == 1 for held in result.holds.values()):
        return found  # nothing in the lineage concerns this agency
    return replace(found, agency_code=result.agency, sent_as=result.sent_as, bound=result)


async def authenticate(db: Any, presented: str | None) -> Caller | None:
    if not presented:
        return None
    key_id = key_id_of(presented)
    if key_id is None:
        return None
    row = await keys_store.active(db, key_id)
    if row is None or not key_matches(presented, row["key_hash"]):
        return None
    return Caller(
        agency_code=row["agency_code"],
        key_id=key_id,
        unit_code=row["unit_code"],
        issued_at=row["created_at"],
    )


async def open_session(
    conn: Connection, username: str, password: str, ttl_s: int
) -> tuple[str, datetime] | None:
    """The DVCQG adapter's auth exchange: a username and its key (the password) for a session
    token that expires; None when they do not match an active key."""
    row = await keys_store.by_username(conn, username) if USERNAME.match(username) else None
    if row is None or not key_matches(password, row["key_hash"]):
        return None
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_s)
    await keys_store.add_session(conn, hash_key(token), row["key_id"], expires_at)
    return token, expires_at


async def authenticate_session(db: Any, token: str | None) -> Caller | None:
    if not token or not token.startswith(SESSION_PREFIX) or len(token) > 100:
        return None
    row = await keys_store.session(db, hash_key(token))
    if row is None:
        return None
    return Caller(
        agency_code=row["agency_code"],
        key_id=row["key_id"],
        unit_code=row["unit_code"],
        issued_at=row["created_at"],
    )


async def issue(
    conn: Connection,
    vault: KeyVault,
    *,
    agency_code: str,
    label: str | None,
    actor: str,
    username: str | None = None,
    unit_code: str | None = None,
) -> tuple[str, str]:
    """A new key for the agency; returns (key id, the key). The key is shown once, never stored in clear.
    With a username it is also the password of the DVCQG adapter's auth exchange, and
    `unit_code` is the agency's mã định danh (the adapter's `madonvi`)."""
    if not AGENCY_CODE.match(agency_code):
        raise InvalidAgency(f"agency code {agency_code!r} must be 2-16 upper-case letters/digits")
    if username is not None and not USERNAME.match(username):
        raise InvalidAgency("username: 3-64 lower-case letters, digits, '.', '_' or '-'")
    if unit_code is not None and not UNIT_CODE.match(unit_code):
        raise InvalidAgency("unit code must look like 000.00.17.H13 (mã định danh điện tử)")
    if username is not None and await keys_store.username_taken(conn, username):
        raise InvalidAgency(f"username {username} is taken")
    issued = issue_key()
    await keys_store.add(
        conn,
        key_id=issued.key_id,
        agency_code=agency_code,
        key_hash=issued.key_hash,
        sealed=vault.seal(issued.secret_key),
        label=label,
        created_by=actor,
        username=username,
        unit_code=unit_code,
    )
    await audit.record(
        conn,
        actor=actor,
        agency_code=agency_code,
        action="key.issued",
        outcome="ok",
        details={
            "key_id": issued.key_id,
            "label": label,
            "username": username,
            "unit_code": unit_code,
        },
    )
    return issued.key_id, issued.secret_key


@dataclass(frozen=True)
class IngressMessage:
    """A verified message of the Kafka ingress; its id is derived from the sender's message id."""

    event_id: uuid.UUID
    agency_code: str
    message_id: str
    body: bytes
    key_issued_at: datetime | None = None  # when the key that signed it was issued


def _appended_at(record: Any) -> float:
    """When the broker appended the record (the ingress topic uses LogAppendTime), in Unix
    seconds; now when the record carries no timestamp."""
    timestamp = getattr(record, "timestamp", None)
    return timestamp / 1000 if isinstance(timestamp, int) and timestamp > 0 else time.time()


class IngressVerifier:
    """Checks the agency, timestamp window and HMAC signature of each ingress message.

    Replays: a message signed longer than the window before (or after) the broker appended it
    is refused, however late the gateway reads it (a backlog refuses nothing); within the
    window, a message sent again has the same id (uuid5 of agency and message id), so the
    consumer's inbox skips it. The signature covers timestamp, message id and body, so none
    can be changed.

    Personal data: only the ingress topic may hold applicants' data, so the ingress consumer
    is registered with `redact=redact_body`: a dead letter (a refused message, or one whose
    handler failed) keeps a redacted copy. Redacting only then keeps it off the hot path.
    """

    def __init__(self, pool: Any, vault: KeyVault, max_skew_s: int, cache_s: float = 5.0) -> None:
        self._pool = pool
        self._vault = vault
        self._max_skew = max_skew_s
        self._cache_s = cache_s
        self._keys: dict[str, tuple[float, list[str]]] = {}
        self._issued: dict[str, datetime] = {}  # each key: when it was issued

    async def _keys_of(self, agency: str) -> list[str]:
        cached = self._keys.get(agency)
        if cached and time.monotonic() - cached[0] < self._cache_s:
            return cached[1]
        sealed = await keys_store.sealed_keys_of(self._pool(), agency)
        keys = []
        for seal, issued_at in sealed:
            key = self._vault.open(seal)
            keys.append(key)
            self._issued[key] = issued_at
        if keys:  # an agency without keys is not cached: unknown codes cannot fill the memory
            self._keys[agency] = (time.monotonic(), keys)
        return keys

    async def __call__(self, record: Any) -> IngressMessage:
        body = record.value or b""
        headers = {k: v.decode("utf-8", "replace") for k, v in (record.headers or ())}
        missing = [
            h
            for h in (HEADER_AGENCY, HEADER_TIMESTAMP, HEADER_MESSAGE_ID, HEADER_SIGNATURE)
            if not headers.get(h)
        ]
        if missing:
            raise DecodeError(FailureKind.BAD_SIGNATURE, f"unsigned: missing headers {missing}")
        agency, stamp = headers[HEADER_AGENCY], headers[HEADER_TIMESTAMP]
        message_id, signature = headers[HEADER_MESSAGE_ID], headers[HEADER_SIGNATURE]
        if not AGENCY_CODE.match(agency):
            raise DecodeError(FailureKind.BAD_SIGNATURE, "x-pasc-agency is not an agency code")
        if len(message_id) > MAX_MESSAGE_ID:
            raise DecodeError(FailureKind.BAD_SIGNATURE, "x-pasc-message-id is too long")
        if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
            raise DecodeError(FailureKind.BAD_SIGNATURE, "timestamp is not Unix seconds")
        if abs(_appended_at(record) - int(stamp)) > self._max_skew:
            raise DecodeError(
                FailureKind.BAD_SIGNATURE, f"timestamp outside the {self._max_skew}s window"
            )
        keys = await self._keys_of(agency)
        signer = next(
            (k for k in keys if signature_matches(k, stamp, message_id, body, signature)), None
        )
        if signer is None:
            raise DecodeError(
                FailureKind.BAD_SIGNATURE, f"signature does not match a key of {agency}"
            )
        return IngressMessage(
            event_id=uuid.uuid5(INGRESS_NAMESPACE, f"{agency}:{message_id}"),
            agency_code=agency,
            message_id=message_id,
            body=body,
            key_issued_at=self._issued.get(signer),
        )
