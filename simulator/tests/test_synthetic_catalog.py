"""The synthetic demo catalog: deterministic, realistic in size and shape, and the shipped file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from catalog_service.domain.agencies import REFERENCE_AGENCIES
from catalog_service.domain.coverage import coverage_by_agency
from catalog_service.domain.procedures import MA_TTHC, Placement
from catalog_service.domain.rows import ParsedRow, parse_row, read_csv, write_csv
from pasc_simulator.synthetic_catalog import generate, to_csv_rows

SHIPPED = Path(__file__).resolve().parents[2] / "services/catalog-service/data/tthc-synthetic.csv"


def test_same_seed_same_catalog_other_seed_other_catalog() -> None:
    assert generate(7) == generate(7)
    assert generate(7) != generate(8)


def test_size_and_shape() -> None:
    rows = [r.data for r in generate()]
    assert 1_500 <= len(rows) <= 2_000
    assert {r.agency_code for r in rows} == {a.code for a in REFERENCE_AGENCIES}
    codes = [r.ma_tthc for r in rows]
    assert len(set(codes)) == len(codes)
    assert all(MA_TTHC.match(c) for c in codes)
    assert {c[0] for c in codes} == {"1", "2"}
    assert len({r.ten_tthc for r in rows}) > 1_000
    placements = Counter(r.placement for r in rows)
    assert 24 <= placements[Placement.EXCLUDED] <= 60
    assert {r.exclusion_ground for r in rows if r.exclusion_ground} == {"a", "b"}
    levels = Counter(r.muc_do_dvc.value for r in rows)
    assert all(levels[level] > 150 for level in ("toan_trinh", "mot_phan", "truc_tiep"))


def test_the_demo_departments() -> None:
    rows = generate()
    coverage = coverage_by_agency(r.data for r in rows)
    assert coverage["SNGV"].fully_onboarded and coverage["SNGV"].excluded == 0
    assert coverage["SKHCN"].pending == 1
    anchor = [r.data for r in rows if r.data.ma_tthc == "1.001234"]
    assert [(a.ten_tthc, a.agency_code, a.at_center) for a in anchor] == [
        ("Cấp giấy phép xây dựng", "SXD", True)
    ]


def test_the_shipped_file_is_the_generator_output_and_imports_cleanly() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert text == write_csv(to_csv_rows(generate()))
    parsed = [parse_row(raw) for raw in read_csv(text)]
    assert all(isinstance(p, ParsedRow) for p in parsed)
