"""A score in the spirit of Decision 766/QĐ-TTg (real-time index of service to citizens and businesses).

The decision scores five groups; the points below are each group's maximum as we read the
decision (100 in all). Only the indicators the dossier stream supports are scored; groups
the data cannot support (transparency, satisfaction) are reported as such, with no number.
Each indicator gives `max_points × min(1, value / target)`: full points at or above the target.
The targets are assumptions to confirm with the Department of Home Affairs (task 18).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reporting_service.domain.figures import Figures


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    figure: str  # the Figures property holding the value (a rate 0..1)
    max_points: float
    target: float
    formula: str


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    name_en: str
    max_points: float
    indicators: tuple[Indicator, ...]
    unsupported_reason: str | None = None


GROUPS: tuple[Group, ...] = (
    Group(
        "cong_khai_minh_bach",
        "Công khai, minh bạch",
        "Transparency",
        18,
        (),
        "Dữ liệu hồ sơ không cho biết việc công khai TTHC và đồng bộ trạng thái lên Cổng DVCQG.",
    ),
    Group(
        "tien_do_giai_quyet",
        "Tiến độ giải quyết",
        "Timeliness",
        20,
        (
            Indicator(
                "dung_han",
                "Tỷ lệ hồ sơ giải quyết đúng hạn",
                "Processed on time",
                "on_time_rate",
                20,
                1.0,
                "20 × đúng hạn / đã giải quyết",
            ),
        ),
    ),
    Group(
        "dich_vu_truc_tuyen",
        "Dịch vụ công trực tuyến",
        "Online service",
        22,
        (
            Indicator(
                "truc_tuyen",
                "Tỷ lệ hồ sơ nộp trực tuyến",
                "Submitted online",
                "online_rate",
                12,
                0.5,
                "12 × min(1, trực tuyến / tiếp nhận ÷ 50%)",
            ),
            Indicator(
                "thanh_toan_truc_tuyen",
                "Tỷ lệ hồ sơ thanh toán trực tuyến",
                "Paid online",
                "paid_online_rate",
                10,
                0.5,
                "10 × min(1, thanh toán trực tuyến / tiếp nhận ÷ 50%)",
            ),
        ),
    ),
    Group(
        "so_hoa",
        "Số hóa hồ sơ, kết quả",
        "Digitization",
        22,
        (
            Indicator(
                "so_hoa_ho_so",
                "Tỷ lệ hồ sơ được số hóa",
                "Digitized dossiers",
                "digitized_rate",
                10,
                0.8,
                "10 × min(1, số hóa / tiếp nhận ÷ 80%)",
            ),
            Indicator(
                "ket_qua_dien_tu",
                "Tỷ lệ kết quả điện tử",
                "Electronic results",
                "electronic_result_rate",
                6,
                0.8,
                "6 × min(1, kết quả điện tử / đã giải quyết ÷ 80%)",
            ),
            Indicator(
                "tai_su_dung",
                "Tỷ lệ hồ sơ tái sử dụng dữ liệu",
                "Data reused",
                "reused_rate",
                6,
                0.5,
                "6 × min(1, tái sử dụng / tiếp nhận ÷ 50%)",
            ),
        ),
    ),
    Group(
        "muc_do_hai_long",
        "Mức độ hài lòng",
        "Satisfaction",
        18,
        (),
        "Chưa có dữ liệu đánh giá của người dân, doanh nghiệp trong luồng sự kiện.",
    ),
)


def indicator_points(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    return round(indicator.max_points * min(1.0, value / indicator.target), 2)


def score(figures: Figures) -> dict[str, Any]:
    """Points per group and in total, over the groups the data supports."""
    groups = []
    total, total_max = 0.0, 0.0
    for group in GROUPS:
        if group.unsupported_reason is not None:
            groups.append(
                {
                    "code": group.code,
                    "name": group.name_vi,
                    "name_en": group.name_en,
                    "max_points": group.max_points,
                    "supported": False,
                    "points": None,
                    "reason": group.unsupported_reason,
                    "indicators": [],
                }
            )
            continue
        indicators = []
        for ind in group.indicators:
            value = getattr(figures, ind.figure)
            indicators.append(
                {
                    "code": ind.code,
                    "name": ind.name_vi,
                    "name_en": ind.name_en,
                    "value": value,
                    "target": ind.target,
                    "max_points": ind.max_points,
                    "points": indicator_points(ind, value),
                    "formula": ind.formula,
                }
            )
        measured = [i for i in indicators if i["points"] is not None]
        points = round(sum(i["points"] for i in measured), 2) if measured else None
        if points is not None:
            total += points
            total_max += sum(i["max_points"] for i in measured)
        groups.append(
            {
                "code": group.code,
                "name": group.name_vi,
                "name_en": group.name_en,
                "max_points": group.max_points,
                "supported": True,
                "points": points,
                "reason": None if measured else "Chưa có hồ sơ trong kỳ.",
                "indicators": indicators,
            }
        )
    return {
        "points": round(total, 2) if total_max else None,
        "max_points": total_max,
        "ratio": round(total / total_max, 4) if total_max else None,
        "groups": groups,
    }
