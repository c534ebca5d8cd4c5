"""reporting-service's KPI snapshots, pushed to the CIOC by the gateway."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from pasc_contracts.envelope import Contract, Event


class KpiFigures(Contract):
    received: int = Field(ge=0)
    processed: int = Field(ge=0)
    on_time: int = Field(ge=0)
    late: int = Field(ge=0)
    in_process: int = Field(ge=0)
    overdue: int = Field(ge=0)
    online: int = Field(ge=0)
    digitized: int = Field(ge=0)
    on_time_rate: float | None = Field(ge=0, le=1, description="on_time / processed")
    online_rate: float | None = Field(ge=0, le=1, description="online / received")
    digitized_rate: float | None = Field(ge=0, le=1, description="digitized / received")


class KpiSnapshot(Contract):
    scope: str = Field(min_length=1, description="'city' or an agency code")
    period_from: date
    period_to: date
    as_of: AwareDatetime
    figures: KpiFigures


class KpiSnapshotPublished(Event):
    event_type: Literal["kpi.snapshot"] = "kpi.snapshot"
    schema_version: Literal[1] = 1
    payload: KpiSnapshot
    EXAMPLE_PAYLOAD = {
        "scope": "city",
        "period_from": "2023-04-01",
        "period_to": "2023-04-30",
        "as_of": "2023-04-30T17:00:00+07:00",
        "figures": {
            "received": 1000,
            "processed": 800,
            "on_time": 760,
            "late": 40,
            "in_process": 200,
            "overdue": 12,
            "online": 550,
            "digitized": 900,
            "on_time_rate": 0.95,
            "online_rate": 0.55,
            "digitized_rate": 0.9,
        },
    }
