"""The audit log's hash chain: each entry's hash covers the previous entry's hash and its own text.

The database extends the chain at insert (migrations/gateway_0005_audit_chain.sql); this module
checks it, entry by entry in chain order, independently of the database's functions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

GENESIS = b""  # the hash before the first entry


def link(prev_hash: bytes, canonical: str) -> bytes:
    """The hash an entry must carry: sha256(previous entry's hash || its canonical text)."""
    return hashlib.sha256(prev_hash + canonical.encode("utf-8")).digest()


@dataclass(frozen=True)
class ChainEntry:
    id: int
    seq: int
    prev_hash: bytes
    row_hash: bytes
    canonical: str


@dataclass(frozen=True)
class Break:
    """Where the chain does not hold, and why (for the operator's report)."""

    id: int
    seq: int
    reason: str


@dataclass
class ChainCheck:
    """Feed entries in seq order; `breaks` lists every place the chain does not hold."""

    checked: int = 0
    head: bytes = GENESIS
    breaks: list[Break] = field(default_factory=list)
    _expected_seq: int = 1

    def add(self, entry: ChainEntry) -> None:
        if entry.seq != self._expected_seq:
            missing = "missing entries" if entry.seq > self._expected_seq else "repeated seq"
            self.breaks.append(
                Break(entry.id, entry.seq, f"{missing}: expected seq {self._expected_seq}")
            )
        if entry.prev_hash != self.head:
            self.breaks.append(
                Break(entry.id, entry.seq, "prev_hash is not the previous entry's hash")
            )
        if entry.row_hash != link(entry.prev_hash, entry.canonical):
            self.breaks.append(
                Break(entry.id, entry.seq, "row_hash does not match the entry's content")
            )
        self.head = entry.row_hash
        self._expected_seq = entry.seq + 1
        self.checked += 1

    @property
    def intact(self) -> bool:
        return not self.breaks
