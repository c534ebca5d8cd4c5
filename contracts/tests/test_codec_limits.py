"""Size and depth are limited before anything parses a message; every bad message is a
DecodeError with its kind, never RecursionError or a bare ValueError (either would leave the
consumer's batch failing for ever)."""

from __future__ import annotations

import json
import time

import pytest

from pasc_contracts import DecodeError, decode, encode, topic
from pasc_contracts.codec import MAX_NESTING_DEPTH, nested_deeper_than, parse_json
from pasc_contracts.events.deadletter import FailureKind
from pasc_contracts.events.dossier import DossierReceived

LIFECYCLE = topic("dossier.lifecycle.v1")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"[" * 100_000, FailureKind.TOO_LARGE),  # json.loads: RecursionError
        (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, FailureKind.TOO_LARGE),
        (b'{"event_type": "dossier.received", "n": ' + b"9" * 5_000 + b"}", FailureKind.NOT_JSON),
        ('{"a": "b"}'.encode("utf-16"), FailureKind.NOT_JSON),  # json.loads(bytes) reads UTF-16
        (b'{"a": "\xed\xa0\x80"}', FailureKind.NOT_JSON),  # a surrogate encoded as UTF-8
        (b"\xef\xbb\xbf{}", FailureKind.NOT_JSON),  # a byte-order mark
        (b'{"a": "\\ud800"}', FailureKind.NOT_JSON),  # a lone surrogate escape: no character
    ],
)
def test_hostile_json_is_a_decode_error_with_its_kind(raw: bytes, kind: FailureKind) -> None:
    with pytest.raises(DecodeError) as err:
        decode(raw, LIFECYCLE)
    assert err.value.kind is kind


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    data = DossierReceived.example().model_dump(mode="json")
    data["payload"]["dossier"]["ten_tthc"] = '[{"' * 5_000 + '\\"]'
    assert (
        decode(json.dumps(data).encode(), LIFECYCLE).event_id
        == DossierReceived.model_validate(data).event_id
    )


def test_depth_is_counted_exactly_up_to_the_limit() -> None:
    at_limit = b"[" * MAX_NESTING_DEPTH + b"]" * MAX_NESTING_DEPTH
    assert parse_json(at_limit) is not None
    assert not nested_deeper_than(at_limit, MAX_NESTING_DEPTH)
    assert nested_deeper_than(b"[" + at_limit + b"]", MAX_NESTING_DEPTH)
    # escaped quotes and an unterminated string neither hide nor invent brackets
    assert nested_deeper_than(b'["\\"", ' + b"[" * 65, 64)
    assert not nested_deeper_than(b'["' + b"[" * 100, 64)


def test_the_depth_check_is_linear_on_hostile_bytes() -> None:
    for hostile in (b'"\\"' * 333_000, b"[" + b"[]," * 333_000 + b"[]]", b'"' + b"[" * 999_000):
        started = time.perf_counter()
        nested_deeper_than(hostile, MAX_NESTING_DEPTH)
        assert time.perf_counter() - started < 5  # quadratic would be hours, not a speed goal


def test_a_good_event_still_decodes() -> None:
    event = DossierReceived.example()
    assert decode(encode(event), LIFECYCLE) == event
