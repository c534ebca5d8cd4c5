"""For the city portal (task 19): where a dossier stands, nothing personal, in DVCQG's own
date format (yyyyMMddHHmmss, Vietnam time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from integration_gateway.adapters import dossier_store
from integration_gateway.app import errors
from integration_gateway.app.routes import examples
from integration_gateway.app.routes.context import GatewayDep
from pasc_contracts.dvcqg import format_dvcqg_date
from pasc_runtime.api_errors import ApiError, error_responses
from pasc_runtime.auth.routes import public

router = APIRouter(tags=["Cổng thông tin"])
DVCQG_DATE = "yyyyMMddHHmmss, Vietnam time"


class PublicDossier(BaseModel):
    MaHoSo: str
    MaTTHC: str
    TenTTHC: str | None
    TrangThaiHoSo: int
    NgayTiepNhan: str = Field(description=DVCQG_DATE)
    NgayHenTra: str = Field(description=DVCQG_DATE)
    NgayKetThucXuLy: str | None = Field(description=DVCQG_DATE)
    NgayTra: str | None = Field(description=DVCQG_DATE)


def _dvcqg(value: datetime | None) -> str | None:
    return format_dvcqg_date(value) if value is not None else None


@router.get(
    "/v1/public/dossiers/{ma_ho_so}",
    response_model=None,
    responses={
        200: {
            "model": PublicDossier,
            "content": {"application/json": {"example": examples.PUBLIC_DOSSIER}},
        },
        **error_responses(ApiError(404, errors.DOSSIER_NOT_FOUND.code), 429),
    },
    **public(limited=True),
)
async def public_dossier(
    gw: GatewayDep, ma_ho_so: str = Path(examples=["000.00.17.H13-230403-0001"])
) -> dict[str, Any]:
    """Where a dossier stands: its procedure, status and dates; nothing about the applicant."""
    found = await dossier_store.public_view(gw.pool(), ma_ho_so)
    if found is None:
        raise ApiError(404, errors.DOSSIER_NOT_FOUND.code, field="ma_ho_so")
    return {
        "MaHoSo": found["ma_ho_so"],
        "MaTTHC": found["ma_tthc"],
        "TenTTHC": found["ten_tthc"],
        "TrangThaiHoSo": found["trang_thai_ho_so"],
        "NgayTiepNhan": _dvcqg(found["ngay_tiep_nhan"]),
        "NgayHenTra": _dvcqg(found["due_at_in_force"]),
        "NgayKetThucXuLy": _dvcqg(found["ngay_ket_thuc_xu_ly"]),
        "NgayTra": _dvcqg(found["ngay_tra"]),
    }
