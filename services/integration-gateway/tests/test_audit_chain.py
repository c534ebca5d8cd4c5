"""The audit log's hash chain, checked entry by entry (domain/audit_chain.py)."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from integration_gateway.domain.audit_chain import GENESIS, ChainCheck, ChainEntry, link


def chained(texts: list[str]) -> list[ChainEntry]:
    entries, prev = [], GENESIS
    for seq, text in enumerate(texts, start=1):
        row_hash = link(prev, text)
        entries.append(
            ChainEntry(id=seq * 10, seq=seq, prev_hash=prev, row_hash=row_hash, canonical=text)
        )
        prev = row_hash
    return entries


def check(entries: list[ChainEntry]) -> ChainCheck:
    result = ChainCheck()
    for entry in entries:
        result.add(entry)
    return result


def test_link_is_sha256_of_the_previous_hash_then_the_text() -> None:
    assert (
        link(b"\x01\x02", '[1, "é"]') == hashlib.sha256(b"\x01\x02" + '[1, "é"]'.encode()).digest()
    )


def test_an_untouched_chain_is_intact_and_reports_its_head() -> None:
    entries = chained(["a", "b", "c"])
    result = check(entries)
    assert result.intact and result.checked == 3
    assert result.head == entries[-1].row_hash
    assert check([]).intact and check([]).head == GENESIS


def test_an_edited_entry_breaks_at_that_entry_only() -> None:
    entries = chained(["a", "b", "c"])
    entries[1] = replace(entries[1], canonical="B")
    result = check(entries)
    assert [(b.id, b.reason) for b in result.breaks] == [
        (20, "row_hash does not match the entry's content")
    ]


def test_an_entry_rehashed_after_an_edit_breaks_the_next_link() -> None:
    entries = chained(["a", "b", "c"])
    entries[1] = replace(entries[1], canonical="B", row_hash=link(entries[0].row_hash, "B"))
    result = check(entries)
    assert [(b.id, b.reason) for b in result.breaks] == [
        (30, "prev_hash is not the previous entry's hash")
    ]


def test_a_removed_entry_is_a_gap_and_a_broken_link() -> None:
    entries = chained(["a", "b", "c", "d"])
    del entries[2]
    reasons = [(b.seq, b.reason) for b in check(entries).breaks]
    assert reasons == [
        (4, "missing entries: expected seq 3"),
        (4, "prev_hash is not the previous entry's hash"),
    ]


def test_a_removed_first_entry_and_a_repeated_seq_are_caught() -> None:
    entries = chained(["a", "b"])
    assert not check(entries[1:]).intact
    twice = [*entries, replace(entries[1], id=99)]
    assert any("repeated seq" in b.reason for b in check(twice).breaks)
