"""A SYNTHETIC catalog for the demo and benchmarks, deterministic for a seed.

About 1,500 procedures of the 20 city-level agencies, with national-format codes, a few dozen
excluded under point a or b, mixed online levels, and a known onboarding state: SNGV has every
procedure at the Center, SKHCN exactly one not yet moved (the demo moves it), STNMT and SCT a
few. Names are plausible, not the city's official list.

It writes catalog-service's own import rows (its agencies, procedure data and CSV columns), so
the file it makes is one the catalog takes: `pasc catalog generate-synthetic` writes it, and
services/catalog-service/data/tthc-synthetic.csv is its output for the default seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from catalog_service.domain.agencies import REFERENCE_AGENCIES
from catalog_service.domain.procedures import CapThucHien, ProcedureData
from catalog_service.domain.rows import to_row
from pasc_contracts.events.catalog import MucDoDvc
from pasc_simulator.synthetic_fields import FIELDS

DEFAULT_SEED = 2023
EXCLUDED_COUNT = 36
PENDING = {"STNMT": 5, "SCT": 2, "SKHCN": 1}
ALL_AT_CENTER = frozenset({"SNGV", "SKHCN", "BDT", "TTTP", "VPUBND"})  # nothing excluded there
# The contracts' example procedure, so the other services' examples find it in the demo catalog.
ANCHOR = ("SXD", "Cấp giấy phép xây dựng", "1.001234")

_LEVEL_WEIGHTS = {MucDoDvc.TOAN_TRINH: 45, MucDoDvc.MOT_PHAN: 35, MucDoDvc.TRUC_TIEP: 20}
_DAYS = (1, 3, 5, 7, 10, 12, 15, 20, 30, 45)
_DAY_WEIGHTS = (6, 14, 18, 12, 16, 6, 14, 8, 5, 1)
_FEES = ("50.000", "100.000", "150.000", "200.000", "500.000", "1.000.000")


@dataclass(frozen=True)
class SyntheticRow:
    data: ProcedureData
    agency_name: str


def generate(seed: int = DEFAULT_SEED) -> list[SyntheticRow]:
    rng = random.Random(seed)
    names = {a.code: a.name for a in REFERENCE_AGENCIES}
    slots = [
        (agency, field, name)
        for agency in names
        for field in FIELDS[agency]
        for group in field.groups
        for name in group.names()
    ]
    codes = _codes(rng, len(slots))
    rows = []
    for (agency, field, name), code in zip(slots, codes, strict=True):
        if (agency, name) == ANCHOR[:2]:
            code = ANCHOR[2]
        rows.append(
            ProcedureData(
                ma_tthc=code,
                ten_tthc=name,
                ma_linh_vuc=f"{agency}-{field.code}",
                ten_linh_vuc=field.name,
                agency_code=agency,
                cap_thuc_hien=CapThucHien.TINH,
                muc_do_dvc=rng.choices(list(_LEVEL_WEIGHTS), list(_LEVEL_WEIGHTS.values()))[0],
                thoi_han_giai_quyet=rng.choices(_DAYS, _DAY_WEIGHTS)[0],
                at_center=True,
                exclusion_ground=None,
                phi_le_phi=_fee(rng),
            )
        )
    rows = _place(rng, rows)
    return [SyntheticRow(r, names[r.agency_code]) for r in rows]


def _codes(rng: random.Random, count: int) -> list[str]:
    """Distinct national codes (1.xxxxxx mostly, some 2.xxxxxx), never the anchor's."""
    numbers = rng.sample(range(1, 2 * 13_000), count + 1)
    codes = [f"{1 if n <= 13_000 else 2}.{(n - 1) % 13_000 + 1:06d}" for n in numbers]
    return [c for c in codes if c != ANCHOR[2]][:count]


def _fee(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return "Không"
    return f"Lệ phí: {rng.choice(_FEES)} đồng/hồ sơ"


def _place(rng: random.Random, rows: list[ProcedureData]) -> list[ProcedureData]:
    """Exclude a few dozen with basis a or b, and leave the PENDING ones not yet at the Center."""
    anchor = ANCHOR[2]
    excludable = [
        i for i, r in enumerate(rows) if r.agency_code not in ALL_AT_CENTER and r.ma_tthc != anchor
    ]
    excluded = set(rng.sample(excludable, EXCLUDED_COUNT))
    placed = list(rows)
    for i in excluded:
        ground = "a" if rng.random() < 0.6 else "b"
        placed[i] = replace(rows[i], at_center=False, exclusion_ground=ground)
    for agency, count in PENDING.items():
        candidates = [
            i
            for i, r in enumerate(rows)
            if r.agency_code == agency and i not in excluded and r.ma_tthc != anchor
        ]
        for i in rng.sample(candidates, count):
            placed[i] = replace(rows[i], at_center=False)
    return placed


def to_csv_rows(rows: list[SyntheticRow]) -> list[dict[str, str]]:
    return [to_row(r.data, r.agency_name) for r in rows]
