"""Fixtures shared by catalog-service's unit tests: agencies, exclusion grounds, an import row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from catalog_service.domain.agencies import REFERENCE_AGENCIES, Agency
from catalog_service.domain.legal import ExclusionGround

RowFactory = Callable[..., dict[str, str]]


@pytest.fixture
def agencies() -> dict[str, Agency]:
    return {a.code: a for a in REFERENCE_AGENCIES}


@pytest.fixture
def grounds() -> list[ExclusionGround]:
    old = [
        ExclusionGround(
            g, "61/2018/NĐ-CP", "14", "5", g, f"61 {g}", date(2018, 6, 21), date(2025, 6, 30)
        )
        for g in ("a", "b")
    ]
    new = [
        ExclusionGround(g, "118/2025/NĐ-CP", None, None, None, f"118 {g}", date(2025, 7, 1))
        for g in ("a", "b")
    ]
    return old + new


@pytest.fixture
def make_row() -> RowFactory:
    """A valid import row (Cấp giấy phép xây dựng, SXD, at the Center), with overrides."""

    def make(**overrides: Any) -> dict[str, str]:
        values = {
            "ma_tthc": "1.001234",
            "ten_tthc": "Cấp giấy phép xây dựng",
            "ma_linh_vuc": "SXD-HDXD",
            "ten_linh_vuc": "Hoạt động xây dựng",
            "ma_co_quan": "SXD",
            "ten_co_quan": "Sở Xây dựng",
            "cap_thuc_hien": "tinh",
            "tiep_nhan_tai_trung_tam": "1",
            "ly_do_khong_tiep_nhan": "",
            "muc_do_dvc": "toan_trinh",
            "thoi_han_giai_quyet": "15",
        }
        values.update({k: str(v) for k, v in overrides.items()})
        return values

    return make
