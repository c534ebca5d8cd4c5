"""The rebuild's fold from JSON: the same winners and counts as the consumer's fold, with only
the winners validated, and contract breakers skipped as the consumer dead-lettered them."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from pasc_contracts import encode
from pasc_contracts.events.dossier import (
    DossierProcessingStepRecorded,
    DossierReceived,
    TrangThaiHoSo,
)
from pasc_contracts.topics import topic
from reporting_service.app.dossier_replay import Window

LIFECYCLE = topic("dossier.lifecycle.v1")


def event_json(ma_ho_so: str, revision: int, status: int = 2, **dossier: Any) -> bytes:
    base = DossierReceived.example()
    snapshot = base.payload.dossier.model_copy(
        update={
            "ma_ho_so": ma_ho_so,
            "revision": revision,
            "trang_thai_ho_so": TrangThaiHoSo(status),
        }
    )
    event = base.model_copy(
        update={
            "event_id": uuid4(),
            "payload": base.payload.model_copy(update={"dossier": snapshot}),
        }
    )
    raw = encode(event)
    for field, value in dossier.items():  # a contract breaker, made after the model
        raw = raw.replace(f'"{field}":'.encode(), f'"{field}":{value},"_{field}":'.encode(), 1)
    return raw


def fold(raws: list[bytes]) -> tuple[dict[str, Any], Window]:
    window = Window()
    for raw in raws:
        window.add(raw, LIFECYCLE)
    return window.winners(LIFECYCLE), window


def test_the_latest_revision_wins_and_every_event_counts() -> None:
    folded, result = fold(
        [event_json("A", 3, 9), event_json("A", 1), event_json("B", 1), event_json("A", 2, 4)]
    )
    assert (folded["A"].snapshot.revision, folded["A"].snapshot.trang_thai_ho_so) == (3, 9)
    assert (len(folded["A"].event_ids), len(folded["B"].event_ids)) == (3, 1)
    assert result.undecodable == 0


def test_a_latest_event_that_breaks_the_contract_gives_way_to_the_latest_valid_one() -> None:
    folded, result = fold(
        [event_json("A", 1), event_json("A", 2, 4), event_json("A", 3, supplement_count='"x"')]
    )
    assert folded["A"].snapshot.revision == 2
    assert len(folded["A"].event_ids) == 2
    assert result.undecodable == 1


def test_events_without_a_dossier_are_not_folded() -> None:
    step = DossierProcessingStepRecorded.example()
    folded, result = fold([encode(step), event_json("A", 1)])
    assert list(folded) == ["A"]
    assert result.undecodable == 0


def test_of_equal_revisions_the_first_wins_as_the_consumer_keeps_what_it_stored() -> None:
    folded, _ = fold([event_json("A", 2, 4), event_json("A", 2, 9), event_json("A", 1)])
    assert folded["A"].snapshot.trang_thai_ho_so == 4
    assert len(folded["A"].event_ids) == 3


def test_bytes_that_are_no_event_of_the_topic_are_undecodable_and_stand_for_nothing() -> None:
    unknown = event_json("B", 1).replace(b'"dossier.received"', b'"dossier.teleported"', 1)
    folded, result = fold([b"not json", b"[1, 2]", unknown, event_json("A", 1)])
    assert list(folded) == ["A"]
    assert result.undecodable == 3
    assert result.size == 1


def test_events_the_quick_reading_does_not_fit_are_read_the_general_way() -> None:
    odd_revision = event_json("B", 1).replace(b'"revision":1', b'"revision":"1"', 1)
    odd_id = event_json("C", 1)
    start = odd_id.index(b'"event_id":"') + len(b'"event_id":"')
    odd_id = odd_id[:start] + b"not-a-uuid-" + odd_id[start:]
    folded, result = fold([odd_revision, odd_id, event_json("A", 1)])
    assert list(folded) == ["A"]
    assert result.undecodable == 2
