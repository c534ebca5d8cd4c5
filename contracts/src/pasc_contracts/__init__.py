"""Event contracts shared by every PASC service: envelope, events, topic registry, codec."""

from pasc_contracts.codec import DecodeError, decode, encode
from pasc_contracts.envelope import VN_TZ, Contract, Event, TraceContext, now_vn
from pasc_contracts.topics import (
    DEAD_LETTER_TOPIC,
    SERVICES,
    TOPICS,
    Topic,
    all_events,
    consumed_by,
    event_class,
    owned_by,
    topic,
    topic_of,
)

__all__ = [
    "DEAD_LETTER_TOPIC",
    "SERVICES",
    "TOPICS",
    "VN_TZ",
    "Contract",
    "DecodeError",
    "Event",
    "Topic",
    "TraceContext",
    "all_events",
    "consumed_by",
    "decode",
    "encode",
    "event_class",
    "now_vn",
    "owned_by",
    "topic",
    "topic_of",
]
