"""The procedures the simulated departments handle, read from the catalog's CSV export."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SimProcedure:
    ma_tthc: str
    ten_tthc: str
    ma_linh_vuc: str
    ten_linh_vuc: str
    agency_code: str
    online_level: str
    working_days: int


def load_catalog(path: Path) -> list[SimProcedure]:
    """Procedures received at the Center (`tiep_nhan_tai_trung_tam` = 1), in file order."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    procedures = [
        SimProcedure(
            ma_tthc=row["ma_tthc"].strip(),
            ten_tthc=row["ten_tthc"].strip(),
            ma_linh_vuc=row.get("ma_linh_vuc", "").strip(),
            ten_linh_vuc=row.get("ten_linh_vuc", "").strip(),
            agency_code=row["ma_co_quan"].strip(),
            online_level=row.get("muc_do_dvc", "truc_tiep").strip() or "truc_tiep",
            working_days=int(row.get("thoi_han_giai_quyet") or 10) or 10,
        )
        for row in rows
        if row.get("tiep_nhan_tai_trung_tam", "").strip() == "1"
    ]
    if not procedures:
        raise ValueError(f"{path}: no procedure received at the Center (tiep_nhan_tai_trung_tam=1)")
    return procedures
