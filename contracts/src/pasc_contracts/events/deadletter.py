"""What a consumer could not process, kept with the original bytes and the reason."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from pasc_contracts.envelope import Contract, Event


class FailureKind(StrEnum):
    NOT_JSON = "not_json"
    CONTRACT_VIOLATION = "contract_violation"
    UNKNOWN_EVENT = "unknown_event"
    UNSUPPORTED_VERSION = "unsupported_version"
    TOO_LARGE = "too_large"
    BAD_SIGNATURE = "bad_signature"
    REJECTED = "rejected"
    PROCESSING_FAILED = "processing_failed"


class DeadLetter(Contract):
    source_topic: str
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    consumer_group: str
    kind: FailureKind
    error: str = Field(description="Why it failed; never personal data.")
    attempts: int = Field(ge=1)
    original_key_b64: str | None = None
    original_value_b64: str
    original_headers: dict[str, str] = Field(default_factory=dict)


class DeadLettered(Event[DeadLetter]):
    event_type: Literal["deadletter.recorded"] = "deadletter.recorded"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "source_topic": "dossier.lifecycle.v1",
        "partition": 3,
        "offset": 1042,
        "consumer_group": "reporting-service",
        "kind": "not_json",
        "error": "Expecting value: line 1 column 1 (char 0)",
        "attempts": 1,
        "original_value_b64": "bm90IGpzb24=",
    }
