"""The agencies whose figures are reported: the shared codes of the city's departments and boards.

The list bounds the `agency` label of the Prometheus gauges; codes outside it are reported
under `other`. Names can be updated by catalog-service's `agency.registered` events.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: str  # office, department or board


AGENCIES: tuple[Agency, ...] = (
    Agency("VPUBND", "Văn phòng Ủy ban nhân dân thành phố", "office"),
    Agency("STC", "Sở Tài chính", "department"),
    Agency("SNV", "Sở Nội vụ", "department"),
    Agency("STTTT", "Sở Thông tin và Truyền thông", "department"),
    Agency("SKHDT", "Sở Kế hoạch và Đầu tư", "department"),
    Agency("SXD", "Sở Xây dựng", "department"),
    Agency("STNMT", "Sở Tài nguyên và Môi trường", "department"),
    Agency("SGTVT", "Sở Giao thông vận tải", "department"),
    Agency("SCT", "Sở Công Thương", "department"),
    Agency("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "department"),
    Agency("SYT", "Sở Y tế", "department"),
    Agency("SGDDT", "Sở Giáo dục và Đào tạo", "department"),
    Agency("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "department"),
    Agency("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "department"),
    Agency("STP", "Sở Tư pháp", "department"),
    Agency("SKHCN", "Sở Khoa học và Công nghệ", "department"),
    Agency("SNGV", "Sở Ngoại vụ", "department"),
    Agency("BQLKCN", "Ban Quản lý các khu chế xuất và công nghiệp", "board"),
    Agency("TTTP", "Thanh tra thành phố", "department"),
    Agency("BDT", "Ban Dân tộc", "board"),
)
AGENCY_CODES: tuple[str, ...] = tuple(a.code for a in AGENCIES)
AGENCY_NAMES: dict[str, str] = {a.code: a.name for a in AGENCIES}
OTHER = "other"


def metric_label(agency_code: str) -> str:
    """A bounded label value: the known code, or `other`."""
    return agency_code if agency_code in AGENCY_NAMES else OTHER
