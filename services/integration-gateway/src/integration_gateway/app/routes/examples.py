"""The DVCQG calls' examples in the OpenAPI document: the same as the integration kit's
(docs/bo-tich-hop-cho-so-nganh.md; tests/test_integration_kit.py keeps them equal)."""

from __future__ import annotations

from typing import Any

DONG_BO_REQUEST: dict[str, Any] = {
    "service": "DongBoHoSoMC",
    "isUpdating": "False",
    "data": [
        {
            "MaHoSo": "000.00.17.H13-230403-0001",
            "MaTTHC": "1.001234",
            "TenTTHC": "Cấp giấy phép xây dựng",
            "MaLinhVuc": "XD01",
            "KenhThucHien": 2,
            "LoaiDoiTuong": 1,
            "ChuHoSo": "Nguyễn Văn An",
            "SoGiayToChuHoSo": "092123456789",
            "NgayTiepNhan": "20230403083000",
            "NgayHenTra": "20230417170000",
            "TrangThaiHoSo": 2,
            "TaiLieuNop": [{"TepDinhKemId": "tl-001", "TenTepDinhKem": "don.pdf", "DuocSoHoa": 1}],
        },
        {
            "MaHoSo": "000.00.17.H13-230403-0002",
            "MaTTHC": "1.001234",
            "KenhThucHien": 1,
            "NgayTiepNhan": "20230403090000",
            "NgayHenTra": "20230401170000",
            "TrangThaiHoSo": 2,
        },
    ],
}
DONG_BO_RESPONSE: dict[str, Any] = {
    "error_code": "0",
    "results": [
        {"MaHoSo": "000.00.17.H13-230403-0001", "accepted": True, "code": None, "reason": None},
        {
            "MaHoSo": "000.00.17.H13-230403-0002",
            "accepted": False,
            "code": "inconsistent_dates",
            "reason": "NgayHenTra trước NgayTiepNhan",
        },
    ],
}
CAP_NHAT_REQUEST: dict[str, Any] = {
    "service": "CapNhatTienDoHoSoMC",
    "data": [
        {
            "MaHoSo": "000.00.17.H13-230403-0001",
            "NguoiXuLy": "Trần Thị Bình",
            "ChucDanh": "Chuyên viên",
            "ThoiDiemXuLy": "20230405100000",
            "PhongBanXuLy": "Phòng Quản lý xây dựng",
            "NoiDungXuLy": "Thẩm định hồ sơ",
            "TrangThai": "4",
            "NgayBatDau": "20230405080000",
            "NgayKetThucTheoQuyDinh": "20230412170000",
        },
        {"MaHoSo": "000.00.17.H13-999999-0001", "ThoiDiemXuLy": "20230405100000"},
    ],
}
CAP_NHAT_RESPONSE: dict[str, Any] = {
    "error_code": "0",
    "results": [
        {"MaHoSo": "000.00.17.H13-230403-0001", "accepted": True, "code": None, "reason": None},
        {
            "MaHoSo": "000.00.17.H13-999999-0001",
            "accepted": False,
            "code": "unknown_dossier",
            "reason": "MaHoSo 000.00.17.H13-999999-0001 chưa được đồng bộ",
        },
    ],
}
PUBLIC_DOSSIER: dict[str, Any] = {
    "MaHoSo": "000.00.17.H13-230403-0001",
    "MaTTHC": "1.001234",
    "TenTTHC": "Cấp giấy phép xây dựng",
    "TrangThaiHoSo": 4,
    "NgayTiepNhan": "20230403083000",
    "NgayHenTra": "20230417170000",
    "NgayKetThucXuLy": None,
    "NgayTra": None,
}
