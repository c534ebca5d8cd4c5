"""Agency lineage planned without a database: merges, splits, closes, the district level's end."""

from __future__ import annotations

from datetime import date

import pytest

from catalog_service.domain.agencies import Agency
from catalog_service.domain.coverage import (
    PublishedStatus,
    Transition,
    coverage_by_agency,
    transitions,
)
from catalog_service.domain.decisions import DecisionTerms, plan_decision
from catalog_service.domain.lineage import AgencyChange, LineageRequest, Problem, plan_lineage
from catalog_service.domain.procedures import CapThucHien, ProcedureData, ProcedureVersion
from catalog_service.domain.rows import ParsedRow, RawRow, parse_row
from pasc_contracts.events.catalog import AdministrativeLevel, AgencyKind, LineageKind, MucDoDvc

DAY = date(2025, 3, 1)
TERMS = DecisionTerms("500/QĐ-UBND", date(2025, 2, 28), "Chủ tịch", DAY, "vp")
MERGE = AgencyChange(LineageKind.MERGE, ("STNMT", "SNNPTNT"), ("SNNMT",))
SNNMT = Agency("SNNMT", "Sở Nông nghiệp và Môi trường", AgencyKind.DEPARTMENT)


def version(code: str, agency: str, cap: CapThucHien = CapThucHien.TINH) -> ProcedureVersion:
    data = ProcedureData(
        code, f"Thủ tục {code}", None, None, agency, cap, MucDoDvc.TRUC_TIEP, 10, True, None
    )
    return ProcedureVersion(data, 1, False, date(2023, 4, 1), "100/QĐ-UBND")


def catalog(*versions: ProcedureVersion) -> dict[str, ProcedureVersion]:
    return {v.data.ma_tthc: v for v in versions}


LATEST = catalog(
    version("1.000001", "STNMT"),
    version("1.000002", "SNNPTNT"),
    version("1.000003", "SLDTBXH"),
    version("1.000004", "SLDTBXH"),
    version("1.000005", "SXD"),
)


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def test_a_merge_moves_every_procedure_of_both_to_the_new_department(
    agencies: dict[str, Agency],
) -> None:
    plan = plan_lineage(
        LineageRequest(TERMS, changes=[MERGE], new_agencies=[SNNMT]), agencies, LATEST
    )
    assert plan.problems == []
    assert plan.closed == ["SNNPTNT", "STNMT"]
    assert [a.code for a in plan.opened] == ["SNNMT"]
    assert plan.opened[0].active_from == DAY and plan.opened[0].level is AdministrativeLevel.CITY
    moved = {m.ma_tthc: (m.from_agency, m.to_agency, m.change.new.version) for m in plan.moves}
    assert moved == {"1.000001": ("STNMT", "SNNMT", 2), "1.000002": ("SNNPTNT", "SNNMT", 2)}
    new = plan.moves[0].change.new
    assert (new.valid_from, new.decision_no, new.changed_by) == (DAY, "500/QĐ-UBND", "vp")


def test_an_absorbing_department_continues_and_keeps_its_own_procedures(
    agencies: dict[str, Agency],
) -> None:
    absorb = AgencyChange(LineageKind.MERGE, ("SXD", "SGTVT"), ("SXD",))
    latest = {**LATEST, **catalog(version("1.000006", "SGTVT"))}
    plan = plan_lineage(LineageRequest(TERMS, changes=[absorb]), agencies, latest)
    assert plan.problems == [] and plan.closed == ["SGTVT"]
    assert [(m.ma_tthc, m.to_agency) for m in plan.moves] == [("1.000006", "SXD")]


def test_a_split_must_say_where_each_procedure_goes(agencies: dict[str, Agency]) -> None:
    split = AgencyChange(LineageKind.SPLIT, ("SLDTBXH",), ("SNV", "SYT"), {"1.000003": "SNV"})
    plan = plan_lineage(LineageRequest(TERMS, changes=[split]), agencies, LATEST)
    assert codes(plan.problems) == ["split_unassigned"]
    assert "1.000004" in plan.problems[0].message
    complete = AgencyChange(
        LineageKind.SPLIT, ("SLDTBXH",), ("SNV", "SYT"), {"1.000003": "SNV", "1.000004": "SYT"}
    )
    plan = plan_lineage(LineageRequest(TERMS, changes=[complete]), agencies, LATEST)
    assert plan.problems == [] and plan.closed == ["SLDTBXH"]
    assert {m.ma_tthc: m.to_agency for m in plan.moves} == {"1.000003": "SNV", "1.000004": "SYT"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (AgencyChange(LineageKind.MERGE, ("STNMT",), ("SNNMT",)), "lineage_shape_invalid"),
        (AgencyChange(LineageKind.RENAME, ("BDT",), ("SDTTG",)), "agency_unknown"),
        (AgencyChange(LineageKind.RENAME, ("BDT",), ("BDT",)), "rename_same_code"),
        (AgencyChange(LineageKind.CLOSE, ("SXD",)), "close_has_procedures"),
        (
            AgencyChange(LineageKind.SPLIT, ("SXD",), ("SNV", "SYT"), {"1.000001": "SNV"}),
            "move_invalid",
        ),
    ],
)
def test_a_wrong_change_is_refused_with_a_stable_code(
    agencies: dict[str, Agency], change: AgencyChange, code: str
) -> None:
    plan = plan_lineage(LineageRequest(TERMS, changes=[change]), agencies, LATEST)
    assert code in codes(plan.problems)
    assert plan.moves == []


def test_an_agency_that_ended_cannot_end_again_or_take_procedures(
    agencies: dict[str, Agency],
) -> None:
    closed = {
        **agencies,
        "STNMT": Agency("STNMT", "Sở TNMT", AgencyKind.DEPARTMENT, closed_from=DAY),
    }
    again = plan_lineage(
        LineageRequest(TERMS, changes=[MERGE], new_agencies=[SNNMT]), closed, LATEST
    )
    assert codes(again.problems) == ["agency_not_active"]
    terms = DecisionTerms("600/QĐ-UBND", DAY, "Chủ tịch", DAY, "vp")
    row = parse_row(RawRow(2, {**_row(), "ma_co_quan": "STNMT", "ten_co_quan": ""}))
    assert isinstance(row, ParsedRow)
    refused = plan_decision(terms=terms, latest={}, rows=[row], agencies=closed, grounds=[])
    assert "đã chấm dứt từ 2025-03-01" in (refused.rejected[0].reason or "")


def test_the_district_level_ends_with_every_procedure_moved_once(
    agencies: dict[str, Agency],
) -> None:
    district = Agency(
        "UBND-NK", "UBND quận Ninh Kiều", AgencyKind.DISTRICT, AdministrativeLevel.DISTRICT
    )
    empty = Agency(
        "UBND-CR", "UBND quận Cái Răng", AgencyKind.DISTRICT, AdministrativeLevel.DISTRICT
    )
    ward = Agency("P-NK", "UBND phường Ninh Kiều", AgencyKind.COMMUNE)
    known = {**agencies, district.code: district, empty.code: empty}
    latest = {
        **LATEST,
        **catalog(
            version("2.000001", "UBND-NK", CapThucHien.HUYEN),
            version("2.000002", "UBND-NK", CapThucHien.HUYEN),
        ),
    }
    terms = DecisionTerms("1/QĐ-HĐ", date(2025, 6, 30), "Chủ tịch", date(2025, 7, 1), "vp")
    split = AgencyChange(
        LineageKind.SPLIT, ("UBND-NK",), ("P-NK", "SXD"), {"2.000001": "P-NK", "2.000002": "SXD"}
    )
    unfinished = plan_lineage(
        LineageRequest(terms, [split], [ward], abolish_district_level=True), known, latest
    )
    assert codes(unfinished.problems) == ["district_procedures_remaining"]
    plan = plan_lineage(
        LineageRequest(
            terms,
            [split],
            [ward],
            levels={"2.000002": AdministrativeLevel.CITY},
            abolish_district_level=True,
            district_default_level=AdministrativeLevel.COMMUNE,
        ),
        known,
        latest,
    )
    assert plan.problems == []
    assert plan.closed == ["UBND-CR", "UBND-NK"]  # the empty district is closed too
    assert {m.ma_tthc: (m.to_agency, m.change.new.data.cap_thuc_hien) for m in plan.moves} == {
        "2.000001": ("P-NK", CapThucHien.XA),
        "2.000002": ("SXD", CapThucHien.TINH),
    }
    late = parse_row(RawRow(2, {**_row(), "cap_thuc_hien": "huyen"}))
    assert isinstance(late, ParsedRow)
    refused = plan_decision(terms=terms, latest={}, rows=[late], agencies=agencies, grounds=[])
    assert "không còn cấp huyện" in (refused.rejected[0].reason or "")


def test_a_closed_department_is_not_reopened_and_its_successor_is_onboarded(
    agencies: dict[str, Agency],
) -> None:
    plan = plan_lineage(
        LineageRequest(TERMS, changes=[MERGE], new_agencies=[SNNMT]), agencies, LATEST
    )
    after = {**LATEST, **{m.ma_tthc: m.change.new for m in plan.moves}}
    known = {**agencies, "SNNMT": plan.opened[0]}
    for code in plan.closed:
        a = known[code]
        known[code] = Agency(a.code, a.name, a.kind, a.level, closed_from=DAY)
    now = coverage_by_agency([v.data for v in after.values()], known)
    published = {
        "STNMT": PublishedStatus((1, 1, 0, 0), True),
        "SNNPTNT": PublishedStatus((1, 1, 0, 0), True),
    }
    found = {(t, c.agency_code) for t, c in transitions(published, now, known)}
    assert (Transition.REOPENED, "STNMT") not in found
    assert (Transition.COVERAGE_CHANGED, "STNMT") in found
    assert (Transition.FULLY_ONBOARDED, "SNNMT") in found


def _row() -> dict[str, str]:
    return {
        "ma_tthc": "1.009999",
        "ten_tthc": "Thủ tục mới",
        "ma_co_quan": "SXD",
        "ten_co_quan": "",
        "cap_thuc_hien": "tinh",
        "tiep_nhan_tai_trung_tam": "1",
        "ly_do_khong_tiep_nhan": "",
        "muc_do_dvc": "truc_tiep",
        "thoi_han_giai_quyet": "10",
    }


def test_every_refusal_code_is_registered_for_the_error_table() -> None:
    import re
    from pathlib import Path

    from catalog_service.app import lineage_errors
    from catalog_service.domain import lineage

    source = Path(lineage.__file__).read_text(encoding="utf-8")
    commands = Path(lineage.__file__).parents[1].joinpath("app", "commands.py").read_text()
    used = set(re.findall(r'Problem\(\s*"(\w+)"', source + commands)) | {"lineage_invalid"}
    assert used and used <= set(lineage_errors.CODES), used - set(lineage_errors.CODES)
