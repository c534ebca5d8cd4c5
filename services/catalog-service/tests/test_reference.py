"""The reference data of the 2025 reorganisation: every fact has a source, codes are valid, and
it turns into lineage decisions the catalog accepts."""

from __future__ import annotations

from datetime import date

from catalog_service.adapters.reference_files import rows
from catalog_service.domain.agencies import AGENCY_CODE, Agency
from catalog_service.domain.lineage import plan_lineage
from catalog_service.domain.procedures import CapThucHien, ProcedureData, ProcedureVersion
from catalog_service.domain.reference import reorganisation
from pasc_contracts.events.catalog import MucDoDvc

FILES = (
    "agencies-2025.csv",
    "agency-lineage-2025.csv",
    "communes-2025.csv",
    "sldtbxh-split-2025.csv",
)


def version(code: str, agency: str, field: str) -> ProcedureVersion:
    data = ProcedureData(
        code, code, None, field, agency, CapThucHien.TINH, MucDoDvc.TRUC_TIEP, 5, True, None
    )
    return ProcedureVersion(data, 1, False, date(2023, 4, 14), "1234/QĐ-UBND")


def test_every_fact_names_a_known_source_and_says_whether_it_is_confirmed() -> None:
    known = {r["source"] for r in rows("sources.csv")}
    for name in FILES:
        for row in rows(name):
            assert row["confirmed"] in ("yes", "no", "partly"), (name, row)
            cited = set(row["source"].split())
            assert cited <= known, (name, row, cited - known)
            if row["confirmed"] == "yes":
                assert cited, (name, row)


def test_the_communes_of_the_new_city_have_valid_unique_codes() -> None:
    communes = rows("communes-2025.csv")
    codes = [r["agency_code"] for r in communes]
    assert len(codes) == len(set(codes))
    assert all(AGENCY_CODE.match(code) for code in codes)
    # Resolution 1668/NQ-UBTVQH15: 103 units (31 wards, 72 communes); the file says which
    # ones it could not confirm, and which are missing (see the reference README).
    assert sum(r["unit"] == "phuong" for r in communes) == 31
    assert len(communes) <= 103


def test_the_reference_decisions_apply_to_the_2023_agencies(agencies: dict[str, Agency]) -> None:
    latest = {
        v.data.ma_tthc: v
        for v in (
            version("1.000001", "SLDTBXH", "Giáo dục nghề nghiệp"),
            version("1.000002", "SLDTBXH", "Bảo trợ xã hội"),
            version("1.000003", "SLDTBXH", "Việc làm"),
            version("1.000004", "STNMT", "Đất đai"),
            version("1.000005", "BDT", "Công tác dân tộc"),
        )
    }
    plan = reorganisation(
        rows("agency-lineage-2025.csv"),
        rows("sldtbxh-split-2025.csv"),
        rows("communes-2025.csv"),
        latest,
        "test",
    )
    [departments] = plan.department_decisions
    applied = plan_lineage(departments, agencies, latest)
    assert applied.problems == []
    assert {m.ma_tthc: m.to_agency for m in applied.moves} == {
        "1.000001": "SGDDT",
        "1.000002": "SYT",
        "1.000003": "SNV",
        "1.000004": "SNNMT",
        "1.000005": "SDTTG",
    }
    assert applied.closed == ["BDT", "SGTVT", "SKHDT", "SLDTBXH", "SNNPTNT", "STNMT", "STTTT"]
    assert plan.abolition is not None and plan.abolition.abolish_district_level
    assert plan.abolition.terms.effective_from == date(2025, 7, 1)
    assert all(a.receiving_place for a in plan.receiving_places)
