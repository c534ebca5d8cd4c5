"""Agencies that perform procedures, and the reference list every service shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pasc_contracts.events.catalog import AdministrativeLevel, AgencyKind

AGENCY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,31}$")

# "Sở, ban ngành": every department and board (the office and local levels are not).
SO_BAN_NGANH = frozenset({AgencyKind.DEPARTMENT, AgencyKind.BOARD})


# The level an agency of each kind belongs to, when it is not said otherwise.
LEVEL_OF_KIND: dict[AgencyKind, AdministrativeLevel | None] = {
    AgencyKind.OFFICE: AdministrativeLevel.CITY,
    AgencyKind.DEPARTMENT: AdministrativeLevel.CITY,
    AgencyKind.BOARD: AdministrativeLevel.CITY,
    AgencyKind.DISTRICT: AdministrativeLevel.DISTRICT,
    AgencyKind.COMMUNE: AdministrativeLevel.COMMUNE,
    AgencyKind.VERTICAL: None,  # a central agency's local branch: no level of the city's own
}


@dataclass(frozen=True)
class Agency:
    """An agency, the days it exists (closed_from is its first day gone), whether it receives
    dossiers itself (a commune's one-stop point)."""

    code: str
    name: str
    kind: AgencyKind
    level: AdministrativeLevel | None = None
    receiving_place: bool = False
    active_from: date | None = None
    closed_from: date | None = None

    @property
    def is_so_ban_nganh(self) -> bool:
        return self.kind in SO_BAN_NGANH

    @property
    def closed(self) -> bool:
        return self.closed_from is not None

    def active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.closed_from is None or day < self.closed_from
        )

    def with_level(self) -> Agency:
        """The same agency with its kind's level when none was given."""
        if self.level is not None:
            return self
        return Agency(
            self.code,
            self.name,
            self.kind,
            LEVEL_OF_KIND[self.kind],
            self.receiving_place,
            self.active_from,
            self.closed_from,
        )


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
