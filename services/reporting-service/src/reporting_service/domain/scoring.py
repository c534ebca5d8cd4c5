"""The 766 index: the national portal's six groups and their sub-indicators, out of 100.

Decision 766/QĐ-TTg (23/6/2022) approved the "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất
lượng phục vụ người dân, doanh nghiệp" computed in real time by the national public service
portal (Cổng DVCQG). The decision scores five groups; the portal today publishes six, having
split online service (22) into online service (12) and online payment (10). Every
sub-indicator below says where its formula comes from and what it is computed from
(`docs/chi-so-766.md` has the table). Each gives `max_points × numerator / denominator`
(proportional, no target). Sub-indicators the dossier stream cannot support are entered by the
office (`outside`: survey results, complaints, the portal's publication checks) and shown with
their source; until then the index is partial: the total counts only what is measured, never
a missing figure as 0, and no rating band is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reporting_service.domain.figures import Figures

NOT_FEE = frozenset({"", "không", "khong", "không có", "miễn", "miễn phí", "không thu", "0"})


def fee_bearing(phi_le_phi: str | None) -> bool | None:
    """Whether a procedure carries a fee or charge, from the catalog's published text.

    None when the catalog says nothing (the procedure then counts in neither denominator).
    """
    if phi_le_phi is None:
        return None
    text = phi_le_phi.strip().lower().rstrip(".")
    return text not in NOT_FEE


@dataclass(frozen=True)
class IndexInputs:
    """Counts behind the index for one scope (city or agency), one period, as of one moment."""

    figures: Figures  # the period's rollup figures (received, processed, on_time, ...)
    in_process: int = 0  # dossiers in process as of the period's end, whenever received
    in_process_overdue: int = 0  # of those, past their due date in force (clock not stopped)
    processing_days: float = 0.0  # sum of (end of processing - reception) over processed
    procedures: int = 0  # catalog: procedures in force for the scope
    procedures_online: int = 0  # of those offered online (muc_do_dvc toàn trình or một phần)
    received_online_capable: int = 0  # dossiers received of procedures offered online
    online_of_capable: int = 0  # of those, submitted online
    fee_procedures_with_dossiers: int = 0  # fee-bearing procedures with a dossier in the period
    fee_procedures_paid_online: int = 0  # of those, with at least one dossier paid online
    fee_dossiers: int = 0  # dossiers received of fee-bearing procedures
    fee_dossiers_paid_online: int = 0  # of those, paid online

    @property
    def average_processing_days(self) -> float | None:
        processed = self.figures.processed
        return round(self.processing_days / processed, 2) if processed else None


@dataclass(frozen=True)
class OutsideFigure:
    """A figure the office entered (append-only), with who, why and where it comes from."""

    id: int
    numerator: float
    denominator: float
    source: str
    entered_by: str
    reason: str
    recorded_at: datetime
    period_from: Any
    period_to: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "source": self.source,
            "entered_by": self.entered_by,
            "reason": self.reason,
            "recorded_at": self.recorded_at,
            "from": self.period_from,
            "to": self.period_to,
        }


Ratio = tuple[float, float]  # (numerator, denominator)
DATA, OUTSIDE = "data", "outside"


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    max_points: float
    basis: str  # DATA: computed from the stream and the catalog; OUTSIDE: entered by the office
    formula: str  # in Vietnamese, as the office reads it
    source: str  # where the formula and its points come from
    ratio: Callable[[IndexInputs], Ratio] | None = None  # DATA only


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    name_en: str
    max_points: float
    indicators: tuple[Indicator, ...] = field(default_factory=tuple)


DECISION = "QĐ 766/QĐ-TTg ngày 23/6/2022"
PORTAL = "Cổng DVCQG, Bộ chỉ số phục vụ người dân, doanh nghiệp (6 nhóm)"
TO_CONFIRM = "điểm thành phần theo cách đọc của chúng tôi, cần Sở Nội vụ xác nhận"


def _timeliness(i: IndexInputs) -> Ratio:
    f = i.figures
    within = i.in_process - i.in_process_overdue
    return f.on_time + within, f.processed + i.in_process


GROUPS: tuple[Group, ...] = (
    Group(
        "cong_khai_minh_bach",
        "Công khai, minh bạch",
        "Transparency",
        18,
        (
            Indicator(
                "cong_bo_cong_khai_dung_han",
                "Tỷ lệ TTHC được công bố, công khai đúng hạn",
                "Procedures published on time",
                4,
                OUTSIDE,
                "4 × số TTHC công bố, công khai đúng hạn / số TTHC phải công bố",
                f"{DECISION} (4/18 điểm); số liệu từ Cổng DVCQG",
            ),
            Indicator(
                "cong_khai_day_du",
                "Tỷ lệ TTHC công khai đầy đủ, đúng quy định trên Cổng DVCQG",
                "Procedures fully published on the portal",
                4,
                OUTSIDE,
                "4 × số TTHC công khai đầy đủ / số TTHC thuộc thẩm quyền",
                f"{DECISION}; {TO_CONFIRM}",
            ),
            Indicator(
                "dong_bo_trang_thai",
                "Tỷ lệ hồ sơ được đồng bộ, công khai tiến độ trên Cổng DVCQG",
                "Dossiers whose progress is published on the portal",
                10,
                OUTSIDE,
                "10 × số hồ sơ đồng bộ trạng thái / số hồ sơ phát sinh",
                f"{DECISION}; {TO_CONFIRM}",
            ),
        ),
    ),
    Group(
        "tien_do_giai_quyet",
        "Tiến độ giải quyết",
        "Timeliness",
        20,
        (
            Indicator(
                "dung_han",
                "Tỷ lệ hồ sơ giải quyết trước, đúng hạn và đang giải quyết trong hạn",
                "Processed on time and in process within time",
                20,
                DATA,
                "20 × (đã giải quyết đúng hạn + đang giải quyết trong hạn)"
                " / (đã giải quyết + đang giải quyết); đang giải quyết tính đến cuối kỳ",
                f"{DECISION} (20/20 điểm); {PORTAL}: daXuLyDungHan, dangXuLyTrongHan",
                _timeliness,
            ),
        ),
    ),
    Group(
        "dich_vu_truc_tuyen",
        "Dịch vụ công trực tuyến",
        "Online service",
        12,
        (
            Indicator(
                "tthc_truc_tuyen",
                "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến",
                "Procedures offered online",
                6,
                DATA,
                "6 × TTHC toàn trình hoặc một phần (muc_do_dvc) / TTHC đang thực hiện",
                f"{PORTAL}; {TO_CONFIRM}",
                lambda i: (i.procedures_online, i.procedures),
            ),
            Indicator(
                "ho_so_truc_tuyen",
                "Tỷ lệ hồ sơ trực tuyến của TTHC có cung cấp dịch vụ công trực tuyến",
                "Dossiers submitted online, of procedures offered online",
                6,
                DATA,
                "6 × hồ sơ nộp trực tuyến / hồ sơ tiếp nhận của TTHC có DVC trực tuyến",
                f"{PORTAL}; {TO_CONFIRM}",
                lambda i: (i.online_of_capable, i.received_online_capable),
            ),
        ),
    ),
    Group(
        "thanh_toan_truc_tuyen",
        "Thanh toán trực tuyến",
        "Online payment",
        10,
        (
            Indicator(
                "tthc_phat_sinh_tttt",
                "Tỷ lệ TTHC có phí phát sinh thanh toán trực tuyến",
                "Fee-bearing procedures with online payments",
                5,
                DATA,
                "5 × TTHC có phí có hồ sơ thanh toán trực tuyến / TTHC có phí phát sinh hồ sơ",
                f"{PORTAL}: thuTucCoPhiPhatSinhHoSo, thuTucPhatSinhTTTT; {TO_CONFIRM}",
                lambda i: (i.fee_procedures_paid_online, i.fee_procedures_with_dossiers),
            ),
            Indicator(
                "ho_so_tttt",
                "Tỷ lệ hồ sơ thanh toán trực tuyến của TTHC có phí",
                "Dossiers paid online, of fee-bearing procedures",
                5,
                DATA,
                "5 × hồ sơ thanh toán trực tuyến / hồ sơ của TTHC có phí, lệ phí",
                f"{PORTAL}: hoSoThuocThuTucCoPhi, hoSoThuocThuTucCoPhiDaTTTT; {TO_CONFIRM}",
                lambda i: (i.fee_dossiers_paid_online, i.fee_dossiers),
            ),
        ),
    ),
    Group(
        "so_hoa_ho_so",
        "Số hóa hồ sơ",
        "Digitization",
        22,
        (
            Indicator(
                "so_hoa_ho_so",
                "Tỷ lệ hồ sơ được số hóa",
                "Digitized dossiers",
                10,
                DATA,
                "10 × hồ sơ được số hóa / hồ sơ tiếp nhận",
                f"{DECISION}; {TO_CONFIRM}",
                lambda i: (i.figures.digitized, i.figures.received),
            ),
            Indicator(
                "ket_qua_dien_tu",
                "Tỷ lệ cấp kết quả giải quyết TTHC điện tử",
                "Electronic results",
                6,
                DATA,
                "6 × hồ sơ có kết quả điện tử / hồ sơ đã giải quyết",
                f"{DECISION}; {TO_CONFIRM}",
                lambda i: (i.figures.electronic_result, i.figures.processed),
            ),
            Indicator(
                "tai_su_dung",
                "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
                "Data reused",
                6,
                DATA,
                "6 × hồ sơ có tài liệu tái sử dụng hoặc lấy từ kho dữ liệu / hồ sơ tiếp nhận",
                f"{DECISION}; {TO_CONFIRM}",
                lambda i: (i.figures.reused, i.figures.received),
            ),
        ),
    ),
    Group(
        "muc_do_hai_long",
        "Mức độ hài lòng",
        "Satisfaction",
        18,
        (
            Indicator(
                "hai_long_danh_gia",
                "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC (đánh giá của người dân)",
                "Satisfied ratings",
                6,
                OUTSIDE,
                "6 × lượt đánh giá hài lòng / lượt đánh giá",
                f"{DECISION} (6/18 điểm, theo mục tiêu Nghị quyết 76/NQ-CP)",
            ),
            Indicator(
                "khong_phai_xin_loi",
                "Tỷ lệ hồ sơ giải quyết không phải xin lỗi (đúng hạn, bổ sung không quá một lần)",
                "Processed without an apology owed",
                6,
                DATA,
                "6 × hồ sơ đã giải quyết đúng hạn, yêu cầu bổ sung không quá 1 lần"
                " / hồ sơ đã giải quyết",
                f"Nghị định 61/2018/NĐ-CP (sửa đổi bởi NĐ 107/2021/NĐ-CP): hồ sơ quá hạn hoặc"
                f" bổ sung quá một lần phải có văn bản xin lỗi; {TO_CONFIRM}",
                lambda i: (i.figures.on_time, i.figures.processed),
            ),
            Indicator(
                "pakn_dung_han",
                "Tỷ lệ phản ánh, kiến nghị về TTHC được xử lý đúng hạn",
                "Complaints handled on time",
                6,
                OUTSIDE,
                "6 × phản ánh, kiến nghị xử lý đúng hạn / phản ánh, kiến nghị tiếp nhận",
                f"{DECISION}; {TO_CONFIRM}",
            ),
        ),
    ),
)

INDICATORS: dict[str, Indicator] = {i.code: i for g in GROUPS for i in g.indicators}
OUTSIDE_CODES = tuple(code for code, i in INDICATORS.items() if i.basis == OUTSIDE)

# Rating bands of Decision 766/QĐ-TTg, on the total out of 100.
BANDS: tuple[tuple[float, str, str], ...] = (
    (90, "xuat_sac", "Xuất sắc"),
    (80, "tot", "Tốt"),
    (70, "kha", "Khá"),
    (50, "trung_binh", "Trung bình"),
    (0, "yeu", "Yếu"),
)


def band(points: float) -> tuple[str, str]:
    """The rating band (code, Vietnamese name) of a total out of 100."""
    for floor, code, name in BANDS:
        if points >= floor:
            return code, name
    return BANDS[-1][1], BANDS[-1][2]


def _indicator(
    ind: Indicator, inputs: IndexInputs, outside: OutsideFigure | None
) -> dict[str, Any]:
    numerator: float | None
    denominator: float | None
    reason = None
    if ind.ratio is not None:
        numerator, denominator = ind.ratio(inputs)
        if not denominator:
            reason = "Không có hồ sơ hoặc TTHC làm mẫu số trong kỳ."
    elif outside is not None:
        numerator, denominator = outside.numerator, outside.denominator
    else:
        numerator = denominator = None
        reason = "Dữ liệu hồ sơ không có chỉ tiêu này; Văn phòng nhập số liệu bên ngoài."
    value = round(numerator / denominator, 4) if numerator is not None and denominator else None
    return {
        "code": ind.code,
        "name": ind.name_vi,
        "name_en": ind.name_en,
        "basis": ind.basis,
        "max_points": ind.max_points,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "points": round(ind.max_points * value, 2) if value is not None else None,
        "formula": ind.formula,
        "source": ind.source,
        "outside": outside.as_dict() if outside is not None and ind.ratio is None else None,
        "reason": reason,
    }


def score(
    inputs: IndexInputs | Figures, outside: Mapping[str, OutsideFigure] | None = None
) -> dict[str, Any]:
    """The index of one scope: points per sub-indicator and group, the total and the band."""
    if isinstance(inputs, Figures):
        inputs = IndexInputs(figures=inputs)
    outside = outside or {}
    groups, total, measured_max = [], 0.0, 0.0
    for group in GROUPS:
        indicators = [_indicator(i, inputs, outside.get(i.code)) for i in group.indicators]
        measured = [i for i in indicators if i["points"] is not None]
        points = round(sum(i["points"] for i in measured), 2) if measured else None
        total += points or 0.0
        measured_max += sum(i["max_points"] for i in measured)
        groups.append(
            {
                "code": group.code,
                "name": group.name_vi,
                "name_en": group.name_en,
                "max_points": group.max_points,
                "supported": bool(measured),
                "complete": len(measured) == len(indicators),
                "points": points,
                "measured_max_points": sum(i["max_points"] for i in measured),
                "reason": None
                if len(measured) == len(indicators)
                else "; ".join(sorted({i["reason"] for i in indicators if i["points"] is None})),
                "indicators": indicators,
            }
        )
    complete = all(g["complete"] for g in groups)
    band_code, band_name = band(total) if complete else (None, None)
    return {
        "points": round(total, 2) if measured_max else None,
        "max_points": sum(g.max_points for g in GROUPS),
        "measured_max_points": measured_max,
        "complete": complete,
        "band": band_code,
        "band_name": band_name,
        "ratio": round(total / measured_max, 4) if measured_max else None,
        "average_processing_days": inputs.average_processing_days,
        "groups": groups,
    }
