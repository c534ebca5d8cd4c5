"""Made-up applicants (the personal data the platform must never let past the gateway)."""

from __future__ import annotations

import random
from dataclasses import dataclass

HO = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
    "Lâm",
]
DEM = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Thùy", "Gia", "Hữu"]
TEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hùng",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Ngân",
    "Phúc",
    "Quân",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]
COMPANIES = [
    "Công ty TNHH Mekong Xanh",
    "Công ty CP Gạo Tây Đô",
    "Công ty TNHH Thủy sản Ninh Kiều",
    "Hợp tác xã Cái Răng",
    "Công ty CP Xây dựng Cần Thơ",
]


@dataclass(frozen=True)
class Applicant:
    name: str
    kind: int
    id_number: str
    email: str
    phone: str


def applicant(rng: random.Random) -> Applicant:
    if rng.random() < 0.15:
        name = rng.choice(COMPANIES)
        return Applicant(
            name,
            2,
            f"18{rng.randrange(10**8):08d}",
            f"lienhe{rng.randrange(10**4)}@doanhnghiep.vn",
            f"0292{rng.randrange(10**7):07d}",
        )
    name = f"{rng.choice(HO)} {rng.choice(DEM)} {rng.choice(TEN)}"
    return Applicant(
        name,
        1,
        f"092{rng.randrange(10**9):09d}",
        f"congdan{rng.randrange(10**6)}@gmail.com",
        f"09{rng.randrange(10**8):08d}",
    )
