"""How the catalog's records are shown in the API's JSON answers."""

from __future__ import annotations

from typing import Any

from catalog_service.adapters.store import HistoryEntry
from catalog_service.domain.agencies import Agency
from catalog_service.domain.coverage import Coverage
from catalog_service.domain.procedures import ProcedureVersion


def procedure_json(v: ProcedureVersion, agency_name: str | None = None) -> dict[str, Any]:
    d, b = v.data, v.basis
    return {
        "ma_tthc": d.ma_tthc,
        "ten_tthc": d.ten_tthc,
        "ma_linh_vuc": d.ma_linh_vuc,
        "ten_linh_vuc": d.ten_linh_vuc,
        "agency_code": d.agency_code,
        "ten_co_quan": agency_name,
        "cap_thuc_hien": d.cap_thuc_hien.value,
        "muc_do_dvc": d.muc_do_dvc.value,
        "thoi_han_giai_quyet": d.thoi_han_giai_quyet,
        "phi_le_phi": d.phi_le_phi,
        "at_center": d.at_center,
        "placement": d.placement.value,
        "exclusion": None
        if b is None
        else {
            "ground": d.exclusion_ground,
            "document": b.document,
            "article": b.article,
            "clause": b.clause,
            "point": b.point,
            "reason": b.reason,
        },
        "version": v.version,
        "withdrawn": v.withdrawn,
        "valid_from": v.valid_from.isoformat(),
        "decision_no": v.decision_no,
    }


def public_json(v: ProcedureVersion, agency_name: str) -> dict[str, Any]:
    """Only what the city portal's Center page shows (task 19)."""
    d = v.data
    return {
        "ma_tthc": d.ma_tthc,
        "ten_tthc": d.ten_tthc,
        "linh_vuc": d.ten_linh_vuc,
        "co_quan": agency_name,
        "cap_thuc_hien": d.cap_thuc_hien.value,
        "muc_do_dvc": d.muc_do_dvc.value,
        "thoi_han_giai_quyet": d.thoi_han_giai_quyet,
        "phi_le_phi": d.phi_le_phi,
    }


def coverage_json(c: Coverage, agency: Agency | None) -> dict[str, Any]:
    return {
        "agency_code": c.agency_code,
        "name": agency.name if agency else None,
        "kind": agency.kind.value if agency else None,
        "total": c.total,
        "eligible": c.eligible,
        "at_center": c.at_center,
        "excluded": c.excluded,
        "pending": c.pending,
        "percent_at_center": c.percent,
        "fully_onboarded": (c.fully_onboarded if agency.is_so_ban_nganh else None)
        if agency
        else None,
        "muc_do_dvc": dict(c.by_level),
    }


def history_json(
    entry: HistoryEntry, previous: ProcedureVersion | None, procedure: dict[str, Any]
) -> dict[str, Any]:
    """One decision in a procedure's history: who, why, which decision, what changed."""
    return {
        "version": entry.version.version,
        "change": entry.change,
        "valid_from": entry.version.valid_from.isoformat(),
        "decision_no": entry.version.decision_no,
        "signed_on": entry.signed_on.isoformat(),
        "signer": entry.signer,
        "changed_by": entry.version.changed_by,
        "reason": entry.version.reason,
        "recorded_at": entry.recorded_at.isoformat(),
        "changed_fields": previous.data.differences(entry.version.data)
        if previous is not None and entry.change == "changed"
        else [],
        "procedure": procedure,
    }
