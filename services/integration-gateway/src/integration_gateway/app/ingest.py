"""Use cases of inbound sync: DVCQG records and processing steps in, dossier events out (via the outbox).

One request (or one Kafka ingress message) is one transaction: the dossiers' new state, the
events it causes and the audit entry commit together, or not at all. Each record is judged on
its own: read tolerantly (domain.normalize), then strictly (the DVCQG models, the dossier
rules); a refused record never costs its neighbours.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from pydantic import ValidationError

from integration_gateway.adapters import (
    audit,
    catalog_store,
    dossier_store,
    numbering_store,
)
from integration_gateway.domain.dossier_rules import (
    PRODUCER,
    Accepted,
    DateWindow,
    Refused,
    owned_by_another,
    record_inconsistency,
    translate,
    unknown_dossier,
)
from integration_gateway.domain.identity import pseudonym
from integration_gateway.domain.lineage import Bound
from integration_gateway.domain.normalize import NotReadable, Sender, normalise_record, province_of
from integration_gateway.domain.ownership import derived_due, numbering_owner, procedure_owner
from integration_gateway.settings import Settings
from pasc_contracts import VN_TZ, Event
from pasc_contracts.dvcqg import (
    MA_HO_SO_PATTERN,
    HoSoMC,
    TienDoHoSoMC,
    format_dvcqg_date,
    parse_dvcqg_date,
)
from pasc_contracts.events.dossier import DossierProcessingStepRecorded, ProcessingStep
from pasc_runtime.api_errors import describe_all
from pasc_runtime.db import Connection
from pasc_runtime.outbox import stage

STEP_NAMESPACE = uuid.UUID("6f1d7a52-3c1e-4a56-9d51-1f0c2b7d9e01")
_SAFE_MA_HO_SO = re.compile(MA_HO_SO_PATTERN)
_STATUS_CODE = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class RecordResult:
    ma_ho_so: str | None
    accepted: bool
    reason: str | None = None
    code: str | None = None

    def as_dvcqg(self) -> dict[str, Any]:
        return {
            "MaHoSo": self.ma_ho_so,
            "accepted": self.accepted,
            "code": self.code if not self.accepted else None,
            "reason": self.reason,
        }


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


def context_for(
    settings: Settings,
    agency: str,
    unit_code: str | None,
    *,
    correction: bool = False,
    bound: Bound | None = None,
) -> IngestContext:
    """The context of one request or message, with the date window as of now; `bound` when
    the key's agency has successors (domain.lineage)."""
    window = DateWindow.around(
        datetime.now(UTC),
        datetime.combine(settings.dvcqg_earliest_date, time(), tzinfo=VN_TZ),
        settings.dvcqg_future_due_days,
    )
    province = province_of(unit_code) or settings.dvcqg_province
    return IngestContext(
        Sender(agency, unit_code, province),
        settings.pseudonym_secret.get_secret_value(),
        window,
        correction,
        bound,
    )


@dataclass(frozen=True)
class IngestContext:
    """Who sends, and what the rules need besides the records."""

    sender: Sender
    pseudonym_secret: str
    window: DateWindow
    correction: bool = False  # the audited correction path: final dossiers may change
    bound: Bound | None = None  # a predecessor's key, or a successor holding predecessors

    @property
    def agency(self) -> str:
        return self.sender.agency_code

    @property
    def binding(self) -> Bound:
        """Who the records are bound to: the sender alone unless the lineage says more."""
        if self.bound is not None:
            return self.bound
        solo = self.sender.agency_code
        return Bound((solo,), None, {solo: solo}, {solo: frozenset({solo})})

    def holder_of(self, owner: str | None) -> str | None:
        """The bound agency that holds dossiers first sent by `owner`, if any."""
        for agency, held in self.binding.holds.items():
            if owner in held:
                return agency
        return None

    def doc_ref(self, file_id: str) -> str:
        return f"tl-{pseudonym(self.pseudonym_secret, file_id)}"


def safe_ma_ho_so(raw: Any) -> str | None:
    """The record's MaHoSo for the answer, only when it is a safe one (it is echoed back and
    audited: a NUL or a lone surrogate would break both)."""
    value = raw.get("MaHoSo") if isinstance(raw, dict) else None
    if isinstance(value, str) and _SAFE_MA_HO_SO.match(value.strip()):
        return value.strip()
    return None


def parse_record(raw: Any, model: type[Any]) -> Any:
    """The record as `model`, or the RecordResult refusing it (also used by `pasc gateway check`)."""
    if not isinstance(raw, dict):
        return RecordResult(None, False, "bản ghi phải là một đối tượng JSON", "invalid_record")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        return RecordResult(safe_ma_ho_so(raw), False, describe_all(exc.errors()), "invalid_record")
    except (RecursionError, ValueError, TypeError):
        # Pathological values (nesting, huge numbers) that pydantic does not report itself.
        return RecordResult(safe_ma_ho_so(raw), False, "bản ghi không đọc được", "invalid_record")


def _with_due(record: dict[str, Any], known: dict[str, catalog_store.KnownProcedure]) -> bool:
    """Fill a missing NgayHenTra from the catalog's processing time; True when it did."""
    if "NgayHenTra" in record:
        return False
    procedure = known.get(str(record.get("MaTTHC")))
    if procedure is None or procedure.working_days is None:
        return False
    try:
        received = parse_dvcqg_date(record.get("NgayTiepNhan"))
    except ValueError:
        return False  # the model will say what is wrong with NgayTiepNhan
    if received is None:
        return False
    record["NgayHenTra"] = format_dvcqg_date(derived_due(received, procedure.working_days))
    return True


async def _numbering_prefixes(conn: Connection, held: frozenset[str]) -> dict[str, str]:
    """Other agencies' codes and unit codes, which start numbers only they may use (a
    successor uses its predecessors' too: `held`). An agency that ended owns no procedure any
    more, but its numbers are still its own (and its successors')."""
    return {p: a for p, a in (await numbering_store.prefixes(conn)).items() if a not in held}


def _owner(
    procedure: catalog_store.KnownProcedure, rec: HoSoMC, acting_for: Mapping[str, str]
) -> str | None:
    received = rec.NgayTiepNhan.astimezone(VN_TZ).date()
    return procedure_owner(procedure.agency_code, procedure.owners, received, acting_for)


def stateless_check(
    rec: HoSoMC,
    ctx: IngestContext,
    known: dict[str, catalog_store.KnownProcedure],
    prefixes: dict[str, str],
) -> Refused | None:
    if (inconsistency := record_inconsistency(rec, ctx.window)) is not None:
        return inconsistency
    procedure = known.get(rec.MaTTHC)
    if procedure is None or procedure.withdrawn:
        return Refused(
            f"MaTTHC {rec.MaTTHC} không có trong danh mục tiếp nhận tại Trung tâm",
            "unknown_procedure",
        )
    if _owner(procedure, rec, ctx.binding.acting_for) is None:
        return Refused(
            f"MaTTHC {rec.MaTTHC} thuộc cơ quan {procedure.agency_code}, không phải {ctx.agency}",
            "other_agency_procedure",
        )
    if numbering_owner(rec.MaHoSo, prefixes) is not None:
        return Refused(f"MaHoSo {rec.MaHoSo} mang mã của cơ quan khác", "other_agency_numbering")
    return None


async def sync_dossiers(conn: Connection, ctx: IngestContext, records: list[Any]) -> IngestOutcome:
    """DongBoHoSoMC: accept each valid record on its own; a bad one never rejects its neighbours."""
    readable = [normalise_record(raw, ctx.sender) for raw in records]
    codes = {str(r.get("MaTTHC")) for r in readable if isinstance(r, dict)}
    known = await catalog_store.lookup(conn, sorted(codes))
    binding = ctx.binding
    prefixes = await _numbering_prefixes(conn, frozenset().union(*binding.holds.values()))
    items: list[RecordResult | tuple[HoSoMC, bool]] = []
    for raw, record in zip(records, readable, strict=True):
        if isinstance(record, NotReadable):
            items.append(RecordResult(safe_ma_ho_so(raw), False, record.reason, record.code))
            continue
        derived = isinstance(record, dict) and _with_due(record, known)
        parsed = parse_record(record, HoSoMC)
        if isinstance(parsed, HoSoMC) and (
            refused := stateless_check(parsed, ctx, known, prefixes)
        ):
            parsed = RecordResult(parsed.MaHoSo, False, refused.reason, refused.code)
        items.append(parsed if isinstance(parsed, RecordResult) else (parsed, derived))
    # Each record is bound to the agency that owns its procedure now (one, unless a split).
    bound_to = {
        item[0].MaHoSo: binding.acting_for[
            _owner(known[item[0].MaTTHC], item[0], binding.acting_for) or ""
        ]
        for item in items
        if isinstance(item, tuple)
    }
    owners: dict[str, str] = {}
    for agency in sorted(set(bound_to.values())):
        numbers = [n for n, a in bound_to.items() if a == agency]
        owners.update(await dossier_store.claim_and_lock(conn, agency, numbers))
    states = await dossier_store.load(conn, list(bound_to))
    outcome, changed, rehomed = IngestOutcome(), {}, {}
    for item in items:
        if isinstance(item, RecordResult):
            outcome.results.append(item)
            continue
        rec, derived = item
        agency = bound_to[rec.MaHoSo]
        owner = owners.get(rec.MaHoSo)
        if owner != agency and owner in binding.holds.get(agency, ()):
            # A predecessor's dossier: from now on its successor holds it.
            rehomed[rec.MaHoSo] = owners[rec.MaHoSo] = agency
            if (previous := states.get(rec.MaHoSo)) is not None:
                states[rec.MaHoSo] = previous.model_copy(update={"agency_code": agency})
        verdict: Accepted | Refused
        if owners.get(rec.MaHoSo) != agency:
            verdict = owned_by_another(rec.MaHoSo)
        else:
            verdict = translate(
                rec,
                agency,
                pseudonym(ctx.pseudonym_secret, rec.SoGiayToChuHoSo),
                states.get(rec.MaHoSo),
                doc_ref=ctx.doc_ref,
                window=ctx.window,
                due_derived=derived,
                correction=ctx.correction,
            )
        if isinstance(verdict, Refused):
            outcome.results.append(RecordResult(rec.MaHoSo, False, verdict.reason, verdict.code))
            continue
        outcome.results.append(RecordResult(rec.MaHoSo, True))
        if verdict.events:
            states[rec.MaHoSo] = changed[rec.MaHoSo] = verdict.state
            outcome.events.extend(_sent_as(verdict.events, binding.sent_as))
    await dossier_store.rehome(conn, rehomed)
    await dossier_store.save(conn, list(changed.values()))
    await stage(conn, outcome.events)
    return outcome


def _sent_as(events: list[Event], predecessor: str | None) -> list[Event]:
    """The events of a predecessor's key name it (for audit) beside the successor's code."""
    if predecessor is None:
        return events
    marked = []
    for event in events:
        change: Any = event.payload  # dossier events: a DossierChange
        marked.append(
            event.model_copy(update={"payload": change.model_copy(update={"sent_as": predecessor})})
        )
    return marked


def _step_id(step: TienDoHoSoMC, secret: str) -> uuid.UUID:
    # Keyed: the id is published, and the step's text may name people.
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
    return uuid.uuid5(STEP_NAMESPACE, pseudonym(secret, identity) or identity)


async def record_steps(conn: Connection, ctx: IngestContext, records: list[Any]) -> IngestOutcome:
    """CapNhatTienDoHoSoMC: steps of known dossiers of the calling agency; a step sent again is a no-op."""
    parsed = [parse_record(normalise_record(raw, ctx.sender), TienDoHoSoMC) for raw in records]
    steps = [p for p in parsed if isinstance(p, TienDoHoSoMC)]
    owners = await dossier_store.owners(conn, [s.MaHoSo for s in steps])
    outcome = IngestOutcome()
    fresh: list[tuple[uuid.UUID, TienDoHoSoMC, str]] = []
    for item in parsed:
        if isinstance(item, RecordResult):
            outcome.results.append(item)
            continue
        owner = owners.get(item.MaHoSo)
        holder = ctx.holder_of(owner)
        refused: Refused | None = None
        if owner is None:
            refused = unknown_dossier(item.MaHoSo)
        elif holder is None:
            refused = owned_by_another(item.MaHoSo)
        if refused is not None or holder is None:
            refused = refused or owned_by_another(item.MaHoSo)
            outcome.results.append(RecordResult(item.MaHoSo, False, refused.reason, refused.code))
        else:
            outcome.results.append(RecordResult(item.MaHoSo, True))
            fresh.append((_step_id(item, ctx.pseudonym_secret), item, holder))
    if fresh:
        new_ids = await dossier_store.record_new_steps(conn, [(i, s.MaHoSo) for i, s, _ in fresh])
        for step_id, step, holder in fresh:
            if step_id in new_ids:
                outcome.events.append(_step_event(step_id, step, holder))
        await stage(conn, outcome.events)
    return outcome


def _step_event(step_id: uuid.UUID, step: TienDoHoSoMC, agency: str) -> Event:
    """The step's facts only. Its free text (NoiDungXuLy, PhongBanXuLy) and the people named in
    it (NguoiXuLy, ChucDanh) never leave the gateway (personal data policy); TrangThai is kept
    only as a status code."""
    status = step.TrangThai if step.TrangThai and _STATUS_CODE.match(step.TrangThai) else None
    return DossierProcessingStepRecorded(
        event_id=step_id,
        producer=PRODUCER,
        payload=ProcessingStep(
            ma_ho_so=step.MaHoSo,
            agency_code=agency,
            phong_ban_xu_ly=None,
            noi_dung_xu_ly=None,
            trang_thai=status,
            thoi_diem_xu_ly=step.ThoiDiemXuLy,
            ngay_bat_dau=step.NgayBatDau,
            ngay_ket_thuc_theo_quy_dinh=step.NgayKetThucTheoQuyDinh,
        ),
    )


async def audit_ingest(
    conn: Connection,
    *,
    actor: str,
    agency: str,
    action: str,
    outcome: IngestOutcome,
    sent_as: str | None = None,
) -> None:
    """One entry per request or message; `sent_as`: the predecessor whose key sent it."""
    await audit.record(
        conn,
        actor=actor,
        agency_code=agency,
        action=action,
        outcome="accepted" if outcome.rejected == 0 else "partially_rejected",
        accepted=outcome.accepted,
        rejected=outcome.rejected,
        details={
            **({"sent_as": sent_as} if sent_as else {}),
            "records": len(outcome.results),
            "events": len(outcome.events),
            "rejected": [
                {"MaHoSo": r.ma_ho_so, "reason": r.reason, "code": r.code}
                for r in outcome.results
                if not r.accepted
            ][:100],
        },
    )
