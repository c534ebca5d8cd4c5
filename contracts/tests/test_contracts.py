"""The contracts' own rules: examples are valid, the registry is consistent, the codec explains failures."""

from __future__ import annotations

import json

import pytest

from pasc_contracts import DecodeError, all_events, decode, encode, topic, topic_of
from pasc_contracts.events.deadletter import FailureKind
from pasc_contracts.events.dossier import DossierReceived


@pytest.mark.parametrize("event", all_events(), ids=lambda e: e.type_name())
def test_every_event_has_a_valid_example_that_round_trips(event: type) -> None:
    example = event.example()
    decoded = decode(encode(example), topic_of(example))
    assert decoded == example
    if topic_of(example).key.paths:  # other keys come from the transport (e.g. the source key)
        assert topic_of(example).key_for(example)


def test_event_types_are_unique_per_version() -> None:
    names = [(e.type_name(), e.version()) for e in all_events()]
    assert len(names) == len(set(names))


def test_occurred_at_must_be_timezone_aware() -> None:
    data = DossierReceived.example().model_dump(mode="json")
    data["occurred_at"] = "2023-04-03T08:30:00"
    with pytest.raises(DecodeError) as err:
        decode(json.dumps(data).encode(), topic("dossier.lifecycle.v1"))
    assert err.value.kind is FailureKind.CONTRACT_VIOLATION
    assert "occurred_at" in str(err.value)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"\x00\xffnot json", FailureKind.NOT_JSON),
        (b"[1, 2]", FailureKind.CONTRACT_VIOLATION),
        (b'{"event_type": "nope", "schema_version": 1}', FailureKind.UNKNOWN_EVENT),
        (
            b'{"event_type": "dossier.received", "schema_version": 7}',
            FailureKind.UNSUPPORTED_VERSION,
        ),
        (b" " * 1_000_001, FailureKind.TOO_LARGE),
    ],
)
def test_decode_names_the_failure(raw: bytes, kind: FailureKind) -> None:
    with pytest.raises(DecodeError) as err:
        decode(raw, topic("dossier.lifecycle.v1"))
    assert err.value.kind is kind


def test_contract_violation_names_the_field_but_not_the_value() -> None:
    data = DossierReceived.example().model_dump(mode="json")
    data["payload"]["dossier"]["ma_tthc"] = "Nguyen Van A"
    with pytest.raises(DecodeError) as err:
        decode(json.dumps(data).encode(), topic("dossier.lifecycle.v1"))
    assert "payload.dossier.ma_tthc" in str(err.value)
    assert "Nguyen Van A" not in str(err.value)


def test_an_event_on_the_wrong_topic_is_refused() -> None:
    with pytest.raises(DecodeError) as err:
        decode(encode(DossierReceived.example()), topic("plan.tasks.v1"))
    assert err.value.kind is FailureKind.UNKNOWN_EVENT
