"""`pasc gateway check`: judge a DVCQG payload offline, with exactly the gateway's own rules.

The same steps as `app.ingest` in the same order (read tolerantly, then the strict DVCQG models,
then the dossier rules with the date window), minus what needs the gateway's database: the
catalog (is the procedure known, and the sender's), dossier numbers of other agencies, who owns
a dossier number and its history (transitions, final dossiers). Those are reported as not
checked offline, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from integration_gateway.app.ingest import RecordResult, parse_record, safe_ma_ho_so
from integration_gateway.domain.dossier_rules import DateWindow, record_inconsistency
from integration_gateway.domain.normalize import NotReadable, Sender, normalise_record
from pasc_contracts.codec import describe_validation_error
from pasc_contracts.dvcqg import (
    DVCQG_REQUEST,
    CapNhatTienDoHoSoMC,
    DongBoHoSoMC,
    HoSoMC,
    TienDoHoSoMC,
)

SERVICES = ("DongBoHoSoMC", "CapNhatTienDoHoSoMC")

# What the gateway checks against its database, per service (shown under the verdicts).
NOT_CHECKED_OFFLINE = {
    "DongBoHoSoMC": (
        "MaTTHC có trong danh mục và thuộc cơ quan gửi (unknown_procedure, other_agency_procedure)",
        "MaHoSo không mang mã của cơ quan khác (other_agency_numbering)",
        "MaHoSo chưa thuộc cơ quan khác (other_agency)",
        "lịch sử hồ sơ: chuyển trạng thái, hồ sơ đã kết thúc, đổi MaTTHC"
        " (invalid_transition, final_dossier, ma_tthc_changed)",
    ),
    "CapNhatTienDoHoSoMC": (
        "MaHoSo đã được đồng bộ trước đó (unknown_dossier)",
        "MaHoSo thuộc cơ quan gửi (other_agency)",
    ),
}
DUE_FROM_CATALOG = (
    "không có NgayHenTra: cổng tính từ thời hạn giải quyết của MaTTHC trong danh mục;"
    " không kiểm tra được ngoại tuyến"
)


class Outcome(StrEnum):
    REFUSED = "refused"
    PASSED = "passed"  # every offline rule passed; the database rules are still to come
    UNDETERMINED = "undetermined"  # the verdict depends on the database


@dataclass(frozen=True)
class Verdict:
    index: int
    ma_ho_so: str | None
    outcome: Outcome
    reason: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class PayloadCheck:
    """The verdicts, or `error` when the payload is refused as a whole (the gateway's 400)."""

    service: str
    verdicts: list[Verdict] = field(default_factory=list)
    error: str | None = None

    @property
    def refused(self) -> int:
        return sum(v.outcome is Outcome.REFUSED for v in self.verdicts)


def _refused(index: int, result: RecordResult) -> Verdict:
    return Verdict(index, result.ma_ho_so, Outcome.REFUSED, result.reason, result.code)


def _dossier(index: int, raw: Any, sender: Sender, window: DateWindow) -> Verdict:
    record = normalise_record(raw, sender)
    if isinstance(record, NotReadable):
        return _refused(index, RecordResult(safe_ma_ho_so(raw), False, record.reason, record.code))
    if isinstance(record, dict) and "NgayHenTra" not in record:
        return Verdict(index, safe_ma_ho_so(raw), Outcome.UNDETERMINED, DUE_FROM_CATALOG)
    parsed = parse_record(record, HoSoMC)
    if isinstance(parsed, RecordResult):
        return _refused(index, parsed)
    if (inconsistency := record_inconsistency(parsed, window)) is not None:
        return Verdict(
            index, parsed.MaHoSo, Outcome.REFUSED, inconsistency.reason, inconsistency.code
        )
    return Verdict(index, parsed.MaHoSo, Outcome.PASSED)


def _step(index: int, raw: Any, sender: Sender) -> Verdict:
    parsed = parse_record(normalise_record(raw, sender), TienDoHoSoMC)
    if isinstance(parsed, RecordResult):
        return _refused(index, parsed)
    return Verdict(index, parsed.MaHoSo, Outcome.PASSED)


def check_payload(
    data: Any, sender: Sender, window: DateWindow, *, service: str = "DongBoHoSoMC"
) -> PayloadCheck:
    """Judge a parsed JSON payload: an envelope (its `service` decides) or a bare array of
    records (`service` decides), as the gateway's per-service URLs take them."""
    if isinstance(data, list):
        data = {"service": service, "data": data}
    try:
        body: DongBoHoSoMC | CapNhatTienDoHoSoMC = DVCQG_REQUEST.validate_python(data)
    except ValidationError as exc:
        return PayloadCheck(service, error=describe_validation_error(exc))
    if isinstance(body, DongBoHoSoMC):
        verdicts = [_dossier(i, raw, sender, window) for i, raw in enumerate(body.data)]
    else:
        verdicts = [_step(i, raw, sender) for i, raw in enumerate(body.data)]
    return PayloadCheck(body.service, verdicts)
