"""Agencies that perform procedures, and the reference list every service shares."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pasc_contracts.events.catalog import AgencyKind

AGENCY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")

# "Sở, ban ngành": every department and board (the office and local levels are not).
SO_BAN_NGANH = frozenset({AgencyKind.DEPARTMENT, AgencyKind.BOARD})


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: AgencyKind

    @property
    def is_so_ban_nganh(self) -> bool:
        return self.kind in SO_BAN_NGANH


def _department(code: str, name: str) -> Agency:
    return Agency(code, name, AgencyKind.DEPARTMENT)


# The city-level agencies, with the codes shared by every service.
REFERENCE_AGENCIES: tuple[Agency, ...] = (
    Agency("VPUBND", "Văn phòng Ủy ban nhân dân thành phố", AgencyKind.OFFICE),
    _department("STC", "Sở Tài chính"),
    _department("SNV", "Sở Nội vụ"),
    _department("STTTT", "Sở Thông tin và Truyền thông"),
    _department("SKHDT", "Sở Kế hoạch và Đầu tư"),
    _department("SXD", "Sở Xây dựng"),
    _department("STNMT", "Sở Tài nguyên và Môi trường"),
    _department("SGTVT", "Sở Giao thông vận tải"),
    _department("SCT", "Sở Công Thương"),
    _department("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    _department("SYT", "Sở Y tế"),
    _department("SGDDT", "Sở Giáo dục và Đào tạo"),
    _department("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    _department("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    _department("STP", "Sở Tư pháp"),
    _department("SKHCN", "Sở Khoa học và Công nghệ"),
    _department("SNGV", "Sở Ngoại vụ"),
    Agency("BQLKCN", "Ban Quản lý các khu chế xuất và công nghiệp", AgencyKind.BOARD),
    _department("TTTP", "Thanh tra thành phố"),
    Agency("BDT", "Ban Dân tộc", AgencyKind.BOARD),
)
