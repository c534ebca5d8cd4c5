"""The envelope every event on the platform carries, whatever its payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Generic, Self
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from typing_extensions import TypeVar

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_vn() -> datetime:
    """The current time, timezone-aware, in Vietnam's zone (for display; instants compare in UTC)."""
    return datetime.now(VN_TZ)


class Contract(BaseModel):
    """Base of every contract model: unknown fields are kept out, values are validated on assignment."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class TraceContext(Contract):
    """W3C trace context, so one dossier's record can be followed across services."""

    traceparent: str = Field(pattern=r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
    tracestate: str | None = None


# Covariant so that an `Event[DossierChange]` is an `Event`; the default keeps a bare `Event`
# (any event) meaning "some contract payload" rather than `Any`.
P = TypeVar("P", bound=BaseModel, covariant=True, default=BaseModel)


class Event(Contract, Generic[P]):
    """An event: the envelope fields, then a typed `payload` named by each subclass's base
    (`class DossierReceived(Event[DossierChange])`).

    Subclasses set `event_type` and `schema_version` as literal defaults, and the class
    variables `EXAMPLE_PAYLOAD` (used by the tests and the generated example files).
    """

    event_id: UUID = Field(
        default_factory=uuid4,
        description="Set once by the producer; the idempotency key of every consumer.",
    )
    event_type: str
    schema_version: int
    occurred_at: AwareDatetime = Field(default_factory=now_vn)
    producer: str = Field(min_length=1, description="The service that produced the event.")
    trace: TraceContext | None = None
    payload: P

    EXAMPLE_PAYLOAD: ClassVar[dict[str, Any]] = {}

    @classmethod
    def type_name(cls) -> str:
        return str(cls.model_fields["event_type"].default)

    @classmethod
    def version(cls) -> int:
        return int(cls.model_fields["schema_version"].default)

    @classmethod
    def example(cls) -> Self:
        """A valid instance with stable ids, for documentation and tests."""
        return cls.model_validate(
            {
                "event_id": "00000000-0000-4000-8000-000000000001",
                "occurred_at": "2023-04-03T08:30:00+07:00",
                "producer": "example",
                "payload": cls.EXAMPLE_PAYLOAD,
            }
        )
