"""Bytes on the wire to events and back, with a reason a dead letter can carry."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from pasc_contracts.envelope import Event
from pasc_contracts.events.deadletter import FailureKind
from pasc_contracts.topics import Topic, event_class

MAX_MESSAGE_BYTES = 1_000_000
# No event nests deeper than a dozen levels. Python's json and the code walking a decoded body
# (validators, redaction) recurse once per level: a message of a few thousand "[" would raise
# RecursionError in any of them, so depth is checked on the bytes before anything parses them.
MAX_NESTING_DEPTH = 64

# A JSON string (escapes included), or an unterminated one up to the end: scanning never
# backtracks past one string, so hostile bytes cost linear time.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class DecodeError(Exception):
    """The message is not an event this topic carries; `kind` says which way it is not."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def encode(event: Event) -> bytes:
    # pydantic-core's bytes as they are: model_dump_json() decodes them to str (and .encode()
    # made bytes again). The same bytes, a copy less.
    return event.__pydantic_serializer__.to_json(event, by_alias=True)


def nested_deeper_than(raw: bytes, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`, counted on its
    bytes with strings skipped. Meant for UTF-8, where no byte of a multi-byte character is a
    bracket or a quote; brackets need not balance (the parser refuses that afterwards)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # not enough brackets to nest that deep, whatever their order
    depth = 0
    for byte in _STRING.sub(b"", raw).translate(None, _NOT_BRACKET):
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


def parse_json(raw: bytes, max_depth: int = MAX_NESTING_DEPTH) -> Any:
    """Bytes to JSON values with the size and depth limits applied before parsing; a
    DecodeError (never RecursionError or a bare ValueError) for anything else."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise DecodeError(FailureKind.TOO_LARGE, f"{len(raw)} bytes > {MAX_MESSAGE_BYTES}")
    try:
        text = raw.decode("utf-8")  # strict UTF-8, with the byte where it fails in the reason
    except UnicodeDecodeError as exc:
        raise DecodeError(
            FailureKind.NOT_JSON, f"not UTF-8: {exc.reason} at byte {exc.start}"
        ) from exc
    if nested_deeper_than(raw, max_depth):
        raise DecodeError(FailureKind.TOO_LARGE, f"JSON nested deeper than {max_depth} levels")
    try:
        # pydantic-core's parser: a fifth less CPU per event than json.loads (measured), and
        # stricter: a lone surrogate escape ("\ud800") is refused, as it is not a character.
        return from_json(text)
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        raise DecodeError(FailureKind.NOT_JSON, f"not JSON: {str(exc)[:200]}") from exc


def peek(raw: bytes, topic: Topic) -> tuple[dict[str, Any], type[Event]]:
    """The message's JSON object and the event class `topic` carries it as, not yet validated
    (decode validates it; a replay that keeps only some events validates only those)."""
    data = parse_json(raw)
    if not isinstance(data, dict):
        raise DecodeError(FailureKind.CONTRACT_VIOLATION, "an event is a JSON object")
    event_type, version = data.get("event_type"), data.get("schema_version")
    if not isinstance(event_type, str) or not isinstance(version, int):
        raise DecodeError(
            FailureKind.CONTRACT_VIOLATION, "event_type (string) and schema_version (int) required"
        )
    cls = event_class(event_type, version)
    if cls is None or cls not in topic.events:
        known = any(e.type_name() == event_type for e in topic.events)
        kind = FailureKind.UNSUPPORTED_VERSION if known else FailureKind.UNKNOWN_EVENT
        raise DecodeError(kind, f"{event_type} v{version} is not carried by {topic.name}")
    return data, cls


def validate(data: dict[str, Any], cls: type[Event]) -> Event:
    """What peek found, as its event: a DecodeError when it breaks the contract."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise DecodeError(FailureKind.CONTRACT_VIOLATION, describe_validation_error(exc)) from exc


def decode(raw: bytes, topic: Topic) -> Event:
    return validate(*peek(raw, topic))


def describe_validation_error(exc: ValidationError, limit: int = 5) -> str:
    """Field paths and reasons only: input values may hold personal data."""
    parts = [
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:limit]
    ]
    return "; ".join(parts)
