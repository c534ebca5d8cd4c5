"""Use cases of inbound sync: DVCQG records and processing steps in, dossier events out (via the outbox).

One request (or one Kafka ingress message) is one transaction: the dossiers' new state, the
events it causes and the audit entry commit together, or not at all.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from integration_gateway.adapters import audit, catalog_store, dossier_store
from integration_gateway.domain.dossier_rules import PRODUCER, Accepted, Refused, translate
from integration_gateway.domain.identity import pseudonym
from pasc_contracts import Event
from pasc_contracts.codec import describe_validation_error
from pasc_contracts.dvcqg import HoSoMC, TienDoHoSoMC
from pasc_contracts.events.dossier import DossierProcessingStepRecorded, ProcessingStep
from pasc_runtime.db import Connection
from pasc_runtime.outbox import stage

STEP_NAMESPACE = uuid.UUID("6f1d7a52-3c1e-4a56-9d51-1f0c2b7d9e01")


@dataclass(frozen=True)
class RecordResult:
    ma_ho_so: str | None
    accepted: bool
    reason: str | None = None
    code: str | None = None

    def as_dvcqg(self) -> dict[str, Any]:
        return {"MaHoSo": self.ma_ho_so, "accepted": self.accepted, "reason": self.reason}


@dataclass
class IngestOutcome:
    results: list[RecordResult] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return sum(r.accepted for r in self.results)

    @property
    def rejected(self) -> int:
        return len(self.results) - self.accepted

    def rejection_codes(self) -> Counter[str]:
        return Counter(r.code or "invalid_record" for r in self.results if not r.accepted)


def _ma_ho_so(raw: Any) -> str | None:
    value = raw.get("MaHoSo") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def _parse(raw: Any, model: type[Any]) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        return RecordResult(_ma_ho_so(raw), False, describe_validation_error(exc), "invalid_record")


async def sync_dossiers(
    conn: Connection, *, agency: str, records: list[Any], pseudonym_secret: str
) -> IngestOutcome:
    """DongBoHoSoMC: accept each valid record on its own; a bad one never rejects its neighbours."""
    parsed = [_parse(raw, HoSoMC) for raw in records]
    valid = [p for p in parsed if isinstance(p, HoSoMC)]
    known = await catalog_store.lookup(conn, sorted({r.MaTTHC for r in valid}))
    states = await dossier_store.lock_and_load(conn, [r.MaHoSo for r in valid])
    outcome, changed = IngestOutcome(), {}
    for item in parsed:
        if isinstance(item, RecordResult):
            outcome.results.append(item)
            continue
        procedure = known.get(item.MaTTHC)
        if procedure is None or procedure.withdrawn:
            verdict: Accepted | Refused = Refused(
                f"MaTTHC {item.MaTTHC} is not in the catalog", "unknown_procedure"
            )
        elif procedure.agency_code != agency:
            verdict = Refused(
                f"MaTTHC {item.MaTTHC} belongs to agency {procedure.agency_code}, not {agency}",
                "other_agency_procedure",
            )
        else:
            applicant = pseudonym(pseudonym_secret, item.SoGiayToChuHoSo)
            verdict = translate(item, agency, applicant, states.get(item.MaHoSo))
        if isinstance(verdict, Refused):
            outcome.results.append(RecordResult(item.MaHoSo, False, verdict.reason, verdict.code))
            continue
        outcome.results.append(RecordResult(item.MaHoSo, True))
        if verdict.events:
            states[item.MaHoSo] = changed[item.MaHoSo] = verdict.state
            outcome.events.extend(verdict.events)
    await dossier_store.save(conn, list(changed.values()))
    await stage(conn, outcome.events)
    return outcome


def _step_id(step: TienDoHoSoMC) -> uuid.UUID:
    identity = "|".join(
        str(v)
        for v in (
            step.MaHoSo,
            step.ThoiDiemXuLy,
            step.TrangThai,
            step.PhongBanXuLy,
            step.NoiDungXuLy,
        )
    )
    return uuid.uuid5(STEP_NAMESPACE, identity)


async def record_steps(conn: Connection, *, agency: str, records: list[Any]) -> IngestOutcome:
    """CapNhatTienDoHoSoMC: steps of known dossiers of the calling agency; a step sent again is a no-op."""
    parsed = [_parse(raw, TienDoHoSoMC) for raw in records]
    steps = [p for p in parsed if isinstance(p, TienDoHoSoMC)]
    states = await dossier_store.lock_and_load(conn, [s.MaHoSo for s in steps])
    outcome = IngestOutcome()
    fresh: list[tuple[uuid.UUID, TienDoHoSoMC]] = []
    for item in parsed:
        if isinstance(item, RecordResult):
            outcome.results.append(item)
            continue
        state = states.get(item.MaHoSo)
        if state is None:
            outcome.results.append(
                RecordResult(
                    item.MaHoSo, False, f"MaHoSo {item.MaHoSo} is not known", "unknown_dossier"
                )
            )
        elif state.agency_code != agency:
            reason = f"MaHoSo {item.MaHoSo} belongs to agency {state.agency_code}"
            outcome.results.append(RecordResult(item.MaHoSo, False, reason, "other_agency"))
        else:
            outcome.results.append(RecordResult(item.MaHoSo, True))
            fresh.append((_step_id(item), item))
    if fresh:
        new_ids = {
            r["step_id"]
            for r in await conn.fetch(
                "INSERT INTO processing_steps (step_id, ma_ho_so)"
                " SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING"
                " RETURNING step_id",
                [i for i, _ in fresh],
                [s.MaHoSo for _, s in fresh],
            )
        }
        for step_id, step in fresh:
            if step_id in new_ids:
                outcome.events.append(_step_event(step_id, step, agency))
        await stage(conn, outcome.events)
    return outcome


def _step_event(step_id: uuid.UUID, step: TienDoHoSoMC, agency: str) -> Event:
    return DossierProcessingStepRecorded(
        event_id=step_id,
        producer=PRODUCER,
        payload=ProcessingStep(
            ma_ho_so=step.MaHoSo,
            agency_code=agency,
            phong_ban_xu_ly=step.PhongBanXuLy,
            noi_dung_xu_ly=step.NoiDungXuLy,
            trang_thai=step.TrangThai,
            thoi_diem_xu_ly=step.ThoiDiemXuLy,
            ngay_bat_dau=step.NgayBatDau,
            ngay_ket_thuc_theo_quy_dinh=step.NgayKetThucTheoQuyDinh,
        ),
    )


async def audit_ingest(
    conn: Connection, *, actor: str, agency: str, action: str, outcome: IngestOutcome
) -> None:
    await audit.record(
        conn,
        actor=actor,
        agency_code=agency,
        action=action,
        outcome="accepted" if outcome.rejected == 0 else "partially_rejected",
        accepted=outcome.accepted,
        rejected=outcome.rejected,
        details={
            "records": len(outcome.results),
            "events": len(outcome.events),
            "rejected": [
                {"MaHoSo": r.ma_ho_so, "reason": r.reason}
                for r in outcome.results
                if not r.accepted
            ][:100],
        },
    )
