"""Bytes on the wire to events and back, with a reason a dead letter can carry."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from pasc_contracts.envelope import Event
from pasc_contracts.events.deadletter import FailureKind
from pasc_contracts.topics import Topic, event_class

MAX_MESSAGE_BYTES = 1_000_000


class DecodeError(Exception):
    """The message is not an event this topic carries; `kind` says which way it is not."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def encode(event: Event) -> bytes:
    return event.model_dump_json(by_alias=True).encode()


def decode(raw: bytes, topic: Topic) -> Event:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise DecodeError(FailureKind.TOO_LARGE, f"{len(raw)} bytes > {MAX_MESSAGE_BYTES}")
    try:
        data: Any = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DecodeError(FailureKind.NOT_JSON, str(exc)) from exc
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
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise DecodeError(FailureKind.CONTRACT_VIOLATION, describe_validation_error(exc)) from exc


def describe_validation_error(exc: ValidationError, limit: int = 5) -> str:
    """Field paths and reasons only: input values may hold personal data."""
    parts = [
        f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:limit]
    ]
    return "; ".join(parts)
