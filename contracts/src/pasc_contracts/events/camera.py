"""The Center's camera system status, relayed to the Home Affairs monitoring system (task 16)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from pasc_contracts.envelope import Contract, Event


class CameraState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
    INCIDENT = "incident"


class CameraStatus(Contract):
    camera_id: str = Field(min_length=1)
    site: str | None = None
    state: CameraState
    note: str | None = None
    observed_at: AwareDatetime


class CameraStatusChanged(Event[CameraStatus]):
    event_type: Literal["camera.status_changed"] = "camera.status_changed"
    schema_version: Literal[1] = 1
    EXAMPLE_PAYLOAD = {
        "camera_id": "CAM-01",
        "site": "Quầy tiếp nhận số 1",
        "state": "offline",
        "observed_at": "2023-04-03T08:30:00+07:00",
    }
