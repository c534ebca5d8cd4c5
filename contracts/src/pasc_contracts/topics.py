"""The one topic registry: every topic's name, key, owner, consumers, events and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from pasc_contracts.dvcqg import CapNhatTienDoHoSoMC, DongBoHoSoMC
from pasc_contracts.envelope import Event
from pasc_contracts.events import camera, catalog, deadletter, kpi, plan
from pasc_contracts.events.dossier import DOSSIER_EVENTS

GATEWAY = "integration-gateway"
TASK = "task-service"
CATALOG = "catalog-service"
REPORTING = "reporting-service"
SERVICES = (GATEWAY, TASK, CATALOG, REPORTING)

FOREVER = -1
DAYS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Key:
    """The message key: `name` as officials say it, `paths` where to find it in a payload."""

    name: str
    paths: tuple[str, ...]

    def of(self, payload: BaseModel) -> str:
        for path in self.paths:
            value: Any = payload
            for part in path.split("."):
                value = getattr(value, part, None)
            if value is not None:
                return str(value)
        raise ValueError(f"no {self.name} in {type(payload).__name__} (looked at {self.paths})")


@dataclass(frozen=True)
class Topic:
    name: str
    key: Key
    owner: str
    consumers: tuple[str, ...]
    description: str
    events: tuple[type[Event], ...] = ()
    external_schemas: tuple[type[BaseModel], ...] = field(default=())
    partitions: int = 3
    retention_ms: int = FOREVER
    compacted: bool = False
    broker_timestamps: bool = False

    @property
    def config(self) -> dict[str, str]:
        """Topic-level broker settings."""
        config = {
            "retention.ms": str(self.retention_ms),
            "cleanup.policy": "compact" if self.compacted else "delete",
        }
        if self.broker_timestamps:  # the broker stamps each message as it appends it
            config["message.timestamp.type"] = "LogAppendTime"
        return config

    def key_for(self, event: Event) -> str:
        return self.key.of(event.payload)


TOPICS: tuple[Topic, ...] = (
    Topic(
        name="gateway.ingress.dvcqg.v1",
        key=Key("agency code", ()),
        owner=GATEWAY,
        consumers=(GATEWAY,),
        description=(
            "DVCQG request bodies (DongBoHoSoMC, CapNhatTienDoHoSoMC) published directly by "
            "department systems; headers carry the agency code and an HMAC signature of the body."
        ),
        external_schemas=(DongBoHoSoMC, CapNhatTienDoHoSoMC),
        partitions=12,
        retention_ms=30 * DAYS,
        # A signature's timestamp is checked against when the broker took the message, not
        # when the gateway reads it: a backlog must never make a genuine message too old.
        broker_timestamps=True,
    ),
    Topic(
        name="dossier.lifecycle.v1",
        key=Key("MaHoSo", ("dossier.ma_ho_so", "ma_ho_so")),
        owner=GATEWAY,
        consumers=(REPORTING, GATEWAY),
        description="The canonical dossier stream, one dossier's events in order (keyed by MaHoSo).",
        events=DOSSIER_EVENTS,
        partitions=12,
    ),
    Topic(
        name="catalog.procedures.v1",
        key=Key("MaTTHC", ("ma_tthc",)),
        owner=CATALOG,
        consumers=(GATEWAY, REPORTING),
        description="Administrative procedures (TTHC) registered, changed, withdrawn.",
        events=(catalog.ProcedureRegistered, catalog.ProcedureChanged, catalog.ProcedureWithdrawn),
    ),
    Topic(
        name="catalog.decisions.v1",
        key=Key("decision number", ("decision_no",)),
        owner=CATALOG,
        consumers=(REPORTING, GATEWAY),
        description="The Chairman's decisions approving which procedures the Center receives.",
        events=(catalog.DecisionApplied,),
        partitions=1,
    ),
    Topic(
        name="catalog.agencies.v1",
        key=Key("agency code", ("agency_code",)),
        owner=CATALOG,
        consumers=(TASK, REPORTING, GATEWAY),
        description=(
            "Agencies (name, kind, level) and their lineage (renamed, merged, split, closed by a "
            "decision), their catalog coverage; a department fully onboarded, or reopened."
        ),
        events=(
            catalog.AgencyRegistered,
            catalog.AgencyLineageChanged,
            catalog.CoverageChanged,
            catalog.DepartmentFullyOnboarded,
            catalog.DepartmentOnboardingReopened,
        ),
    ),
    Topic(
        name="plan.submissions.v1",
        key=Key("agency code", ("agency_code",)),
        owner=GATEWAY,
        consumers=(TASK,),
        description="Agencies' progress and monthly reports, authenticated by the gateway.",
        events=(plan.ProgressSubmitted, plan.MonthlyReportSubmitted),
    ),
    Topic(
        name="plan.tasks.v1",
        key=Key("task reference", ("task_ref",)),
        owner=TASK,
        consumers=(REPORTING,),
        description="The plan's tasks per agency: registered, deadlines, progress, status, alerts.",
        events=(
            plan.TaskRegistered,
            plan.TaskDeadlineComputed,
            plan.TaskProgressReported,
            plan.TaskStatusChanged,
            plan.TaskDueSoon,
            plan.TaskOverdue,
            plan.TaskChanged,
            plan.TaskWithdrawn,
            plan.TaskReassigned,
        ),
    ),
    Topic(
        name="plan.plans.v1",
        key=Key("plan id", ("plan_id",)),
        owner=TASK,
        consumers=(REPORTING,),
        description="Plans loaded or revised, their issue date and the Center's launch date.",
        events=(
            plan.PlanRegistered,
            plan.PlanRevised,
            plan.PlanIssueDateSet,
            plan.PlanLaunchDateSet,
        ),
    ),
    Topic(
        name="plan.monthly_reports.v1",
        key=Key("report reference", ("report_ref",)),
        owner=TASK,
        consumers=(REPORTING,),
        description="Monthly reports of section IV received, or missing past their due date.",
        events=(plan.MonthlyReportReceived, plan.MonthlyReportMissing),
    ),
    Topic(
        name="kpi.snapshots.v1",
        key=Key("scope", ("scope",)),
        owner=REPORTING,
        consumers=(GATEWAY,),
        description="KPI snapshots, city-wide and per agency, pushed to the CIOC by the gateway.",
        events=(kpi.KpiSnapshotPublished,),
        retention_ms=90 * DAYS,
    ),
    Topic(
        name="camera.status.v1",
        key=Key("camera id", ("camera_id",)),
        owner=GATEWAY,
        consumers=(GATEWAY,),
        description="The Center's camera status, relayed to the Home Affairs monitoring system.",
        events=(camera.CameraStatusChanged,),
        retention_ms=90 * DAYS,
    ),
    Topic(
        name="deadletter.v1",
        key=Key("source key", ()),
        owner="every service",
        consumers=(),
        description="Messages a consumer could not process: original bytes, reason, source offset.",
        events=(deadletter.DeadLettered,),
        retention_ms=365 * DAYS,
    ),
)

DEAD_LETTER_TOPIC = "deadletter.v1"
_BY_NAME = {t.name: t for t in TOPICS}
_BY_EVENT: dict[tuple[str, int], tuple[Topic, type[Event]]] = {
    (e.type_name(), e.version()): (t, e) for t in TOPICS for e in t.events
}


def topic(name: str) -> Topic:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown topic {name!r}; registered: {sorted(_BY_NAME)}") from None


def topic_of(event: Event | type[Event]) -> Topic:
    return _BY_EVENT[(event.type_name(), event.version())][0]


def event_class(event_type: str, version: int) -> type[Event] | None:
    found = _BY_EVENT.get((event_type, version))
    return found[1] if found else None


def all_events() -> list[type[Event]]:
    return [e for t in TOPICS for e in t.events]


def owned_by(service: str) -> list[Topic]:
    return [t for t in TOPICS if t.owner == service]


def consumed_by(service: str) -> list[Topic]:
    return [t for t in TOPICS if service in t.consumers]
