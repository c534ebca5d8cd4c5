"""A decision applied to the catalog: what each row creates, changes, leaves or is refused for.

Pure: given the catalog's latest versions, the agencies and the exclusion grounds, it says what
the decision does row by row, and the new versions to record. Nothing here reads or writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from catalog_service.domain.agencies import Agency
from catalog_service.domain.folding import fold
from catalog_service.domain.legal import ExclusionGround, ground_in_force
from catalog_service.domain.procedures import MA_TTHC, CapThucHien, ProcedureVersion
from catalog_service.domain.rows import ParsedRow, RowError

# The first day without a district level: from 01/07/2025 local government has two levels,
# city and commune (the Law on the Organisation of Local Government 2025; Resolution
# 202/2025/QH15 makes the new Cần Thơ the same day).
DISTRICT_LEVEL_ENDS = date(2025, 7, 1)


class Outcome(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


class ChangeKind(StrEnum):
    REGISTERED = "registered"
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class DecisionTerms:
    """The Chairman's decision: number, date, signer, from when it takes effect; who recorded it."""

    decision_no: str
    signed_on: date
    signer: str
    effective_from: date
    recorded_by: str
    reason: str | None = None


@dataclass(frozen=True)
class RowResult:
    line: int | None
    ma_tthc: str | None
    outcome: Outcome
    reason: str | None = None
    changed_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    new: ProcedureVersion
    previous: ProcedureVersion | None


@dataclass
class DecisionPlan:
    results: list[RowResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.outcome.value for r in self.results)
        return {o.value: counted.get(o.value, 0) for o in Outcome}

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.results if r.outcome is Outcome.REJECTED]

    def codes(self, kind: ChangeKind) -> list[str]:
        return [c.new.data.ma_tthc for c in self.changes if c.kind is kind]


def check_terms(terms: DecisionTerms) -> list[str]:
    """What is wrong with the decision itself (a whole-decision error, nothing applies)."""
    errors = []
    if not terms.decision_no.strip():
        errors.append("decision_no: bắt buộc")
    if not terms.signer.strip():
        errors.append("signer: bắt buộc")
    if not terms.recorded_by.strip():
        errors.append("recorded_by: bắt buộc (ai ghi nhận thay đổi)")
    if terms.effective_from < terms.signed_on:
        errors.append(
            f"effective_from: {terms.effective_from} trước ngày ký {terms.signed_on} của quyết định"
        )
    return errors


def plan_decision(
    *,
    terms: DecisionTerms,
    latest: Mapping[str, ProcedureVersion],
    rows: Sequence[ParsedRow | RowError] = (),
    withdrawals: Sequence[str] = (),
    agencies: Mapping[str, Agency],
    grounds: Iterable[ExclusionGround],
) -> DecisionPlan:
    plan = DecisionPlan()
    grounds = list(grounds)
    withdrawn_codes = Counter(withdrawals)
    by_code: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        if isinstance(row, RowError):
            plan.results.append(RowResult(row.line, row.ma_tthc, Outcome.REJECTED, row.reason))
        else:
            by_code[row.data.ma_tthc].append(row)
    for code, same_code in by_code.items():
        first, *others = same_code
        if code in withdrawn_codes:
            for row in same_code:
                plan.results.append(
                    _rejected(row, f"ma_tthc: {code} vừa được đề nghị ghi nhận vừa bị rút")
                )
            continue
        if any(o.data != first.data or o.ten_co_quan != first.ten_co_quan for o in others):
            lines = ", ".join(str(r.line) for r in same_code)
            for row in same_code:
                plan.results.append(
                    _rejected(
                        row, f"ma_tthc: {code} lặp lại ở các dòng {lines} với dữ liệu khác nhau"
                    )
                )
            continue
        plan.results.append(_plan_row(plan, first, terms, latest, agencies, grounds))
        for row in others:
            plan.results.append(
                RowResult(row.line, code, Outcome.UNCHANGED, f"trùng lặp dòng {first.line}")
            )
    for code, times in withdrawn_codes.items():
        if code in by_code:
            plan.results.append(
                RowResult(
                    None, code, Outcome.REJECTED, f"ma_tthc: {code} vừa được ghi nhận vừa bị rút"
                )
            )
            continue
        result = _plan_withdrawal(plan, code, terms, latest)
        plan.results.append(result)
        if times > 1 and result.outcome is not Outcome.REJECTED:
            plan.results.append(RowResult(None, code, Outcome.UNCHANGED, "rút trùng lặp"))
    plan.results.sort(key=lambda r: (r.line is None, r.line or 0))
    return plan


def _rejected(row: ParsedRow, reason: str) -> RowResult:
    return RowResult(row.line, row.data.ma_tthc, Outcome.REJECTED, reason)


def _plan_row(
    plan: DecisionPlan,
    row: ParsedRow,
    terms: DecisionTerms,
    latest: Mapping[str, ProcedureVersion],
    agencies: Mapping[str, Agency],
    grounds: list[ExclusionGround],
) -> RowResult:
    data = row.data
    agency = agencies.get(data.agency_code)
    if agency is None:
        return _rejected(
            row, f"ma_co_quan: '{data.agency_code}' chưa có trong danh sách cơ quan đã đăng ký"
        )
    if not agency.active_on(terms.effective_from):
        when = (
            f"đã chấm dứt từ {agency.closed_from}"
            if agency.closed_from is not None and terms.effective_from >= agency.closed_from
            else f"chỉ có từ {agency.active_from}"
        )
        return _rejected(
            row,
            f"ma_co_quan: {agency.code} {when}; ghi nhận thủ tục cho cơ quan kế thừa"
            " (xem GET /v1/lineage)",
        )
    if data.cap_thuc_hien is CapThucHien.HUYEN and terms.effective_from >= DISTRICT_LEVEL_ENDS:
        return _rejected(
            row,
            f"cap_thuc_hien: không còn cấp huyện từ {DISTRICT_LEVEL_ENDS:%d/%m/%Y}"
            " (chính quyền địa phương hai cấp: tinh hoặc xa)",
        )
    if row.ten_co_quan and fold(row.ten_co_quan) != fold(agency.name):
        return _rejected(
            row,
            f"ten_co_quan: '{row.ten_co_quan}' khác tên đã đăng ký của {agency.code}"
            f" ('{agency.name}')",
        )
    previous = latest.get(data.ma_tthc)
    if previous is not None and terms.effective_from < previous.valid_from:
        return _rejected(
            row,
            f"quyết định có hiệu lực {terms.effective_from}, trước phiên bản hiện hành của"
            f" {data.ma_tthc} (hiệu lực {previous.valid_from} theo {previous.decision_no})",
        )
    basis = None
    if data.exclusion_ground is not None:
        unchanged_exclusion = (
            previous is not None
            and not previous.withdrawn
            and previous.data.exclusion_ground == data.exclusion_ground
            and previous.data.exclusion_note == data.exclusion_note
            and previous.basis is not None
        )
        if unchanged_exclusion and previous is not None:
            basis = previous.basis
        else:
            ground = ground_in_force(grounds, data.exclusion_ground, terms.effective_from)
            if ground is None:
                return _rejected(
                    row,
                    f"ly_do_khong_tiep_nhan: không có căn cứ loại trừ điểm {data.exclusion_ground}"
                    f" có hiệu lực ngày {terms.effective_from}",
                )
            basis = ground.basis(data.exclusion_note)
    new = ProcedureVersion(
        data=data,
        version=1 if previous is None else previous.version + 1,
        withdrawn=False,
        valid_from=terms.effective_from,
        decision_no=terms.decision_no,
        basis=basis,
        changed_by=terms.recorded_by,
        reason=terms.reason,
    )
    if previous is None or previous.withdrawn:
        plan.changes.append(Change(ChangeKind.REGISTERED, new, previous))
        return RowResult(row.line, data.ma_tthc, Outcome.CREATED)
    differences = previous.data.differences(data)
    if not differences:
        return RowResult(row.line, data.ma_tthc, Outcome.UNCHANGED)
    plan.changes.append(Change(ChangeKind.CHANGED, new, previous))
    return RowResult(row.line, data.ma_tthc, Outcome.CHANGED, changed_fields=tuple(differences))


def _plan_withdrawal(
    plan: DecisionPlan, code: str, terms: DecisionTerms, latest: Mapping[str, ProcedureVersion]
) -> RowResult:
    if not MA_TTHC.match(code):
        return RowResult(None, code, Outcome.REJECTED, f"ma_tthc: '{code}' không đúng định dạng")
    previous = latest.get(code)
    if previous is None:
        return RowResult(
            None, code, Outcome.REJECTED, f"ma_tthc: {code} không có trong danh mục, không thể rút"
        )
    if previous.withdrawn:
        if previous.decision_no == terms.decision_no:
            return RowResult(None, code, Outcome.UNCHANGED, "đã rút theo chính quyết định này")
        return RowResult(
            None, code, Outcome.REJECTED, f"ma_tthc: {code} đã được rút theo {previous.decision_no}"
        )
    if terms.effective_from < previous.valid_from:
        return RowResult(
            None,
            code,
            Outcome.REJECTED,
            f"quyết định có hiệu lực {terms.effective_from}, trước phiên bản hiện hành của {code}"
            f" (hiệu lực {previous.valid_from})",
        )
    new = replace(
        previous,
        version=previous.version + 1,
        withdrawn=True,
        valid_from=terms.effective_from,
        decision_no=terms.decision_no,
        changed_by=terms.recorded_by,
        reason=terms.reason,
    )
    plan.changes.append(Change(ChangeKind.WITHDRAWN, new, previous))
    return RowResult(None, code, Outcome.WITHDRAWN)
