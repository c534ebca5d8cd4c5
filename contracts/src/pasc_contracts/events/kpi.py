"""reporting-service's KPI snapshots, pushed to the CIOC by the gateway.

One snapshot per scope ('city' or an agency code) for the month to date, published when the
figures change (debounced) and on a fixed interval. Counts are dossiers; rates are 0..1 and
null when their denominator is 0. See services/reporting-service/README.md for each formula.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from pasc_contracts.envelope import Contract, Event

Count = int | None
Rate = float | None


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
    result_returned: Count = Field(default=None, ge=0, description="Processed with status 10.")
    refused: Count = Field(default=None, ge=0, description="Received, then refused (status 3).")
    withdrawn: Count = Field(default=None, ge=0, description="Received, then withdrawn (7).")
    stopped: Count = Field(default=None, ge=0, description="Received, then stopped (8).")
    postal: Count = Field(default=None, ge=0, description="Received by public postal service.")
    reused: Count = Field(default=None, ge=0, description="Received reusing data (DMQG or own).")
    reused_from_national_db: Count = Field(
        default=None, ge=0, description="Received with a document from the national databases."
    )
    paid_online: Count = Field(default=None, ge=0, description="Received and paid online.")
    electronic_result: Count = Field(default=None, ge=0, description="Processed, e-result.")
    postal_rate: Rate = Field(default=None, ge=0, le=1, description="postal / received")
    reused_rate: Rate = Field(default=None, ge=0, le=1, description="reused / received")
    reused_from_national_db_rate: Rate = Field(
        default=None, ge=0, le=1, description="reused_from_national_db / received"
    )
    paid_online_rate: Rate = Field(default=None, ge=0, le=1, description="paid_online / received")
    electronic_result_rate: Rate = Field(
        default=None, ge=0, le=1, description="electronic_result / processed"
    )


class KpiScoreGroup(Contract):
    """One group of the Decision 766/QĐ-TTg-style score; unsupported groups carry no points."""

    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    max_points: float = Field(ge=0)
    supported: bool
    points: float | None = Field(default=None, ge=0)


class KpiScore(Contract):
    points: float | None = Field(default=None, ge=0, description="Sum over scored groups.")
    max_points: float = Field(ge=0, description="Maximum of the groups scored.")
    groups: list[KpiScoreGroup] = Field(default_factory=list)


class KpiSnapshot(Contract):
    scope: str = Field(min_length=1, description="'city' or an agency code")
    period_from: date
    period_to: date
    as_of: AwareDatetime
    figures: KpiFigures
    agency_name: str | None = None
    catalog_coverage_rate: Rate = Field(
        default=None, ge=0, le=1, description="Procedures received at the Center / eligible."
    )
    backlog_in_process: Count = Field(
        default=None, ge=0, description="In process now (2, 4, 5, 6), whenever received."
    )
    backlog_overdue: Count = Field(
        default=None, ge=0, description="Of those, past the due date in force now."
    )
    plan_tasks: Count = Field(default=None, ge=0, description="Plan task assignments (scope).")
    plan_tasks_done: Count = Field(default=None, ge=0)
    plan_tasks_overdue: Count = Field(default=None, ge=0)
    score: KpiScore | None = None


class KpiSnapshotPublished(Event[KpiSnapshot]):
    event_type: Literal["kpi.snapshot"] = "kpi.snapshot"
    schema_version: Literal[1] = 1
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
            "result_returned": 780,
            "refused": 5,
            "withdrawn": 3,
            "stopped": 1,
            "postal": 20,
            "reused": 300,
            "paid_online": 250,
            "electronic_result": 600,
            "postal_rate": 0.02,
            "reused_rate": 0.3,
            "paid_online_rate": 0.25,
            "electronic_result_rate": 0.75,
        },
        "backlog_in_process": 350,
        "backlog_overdue": 20,
        "catalog_coverage_rate": 0.92,
        "plan_tasks": 122,
        "plan_tasks_done": 80,
        "plan_tasks_overdue": 4,
        "score": {
            "points": 52.3,
            "max_points": 64,
            "groups": [
                {
                    "code": "cong_khai_minh_bach",
                    "name": "Công khai, minh bạch",
                    "max_points": 18,
                    "supported": False,
                },
                {
                    "code": "tien_do_giai_quyet",
                    "name": "Tiến độ giải quyết",
                    "max_points": 20,
                    "supported": True,
                    "points": 19.0,
                },
            ],
        },
    }
