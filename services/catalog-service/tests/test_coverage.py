"""Coverage figures on a hand-checked sample, and when onboarding is announced."""

from __future__ import annotations

from typing import Any

from catalog_service.domain.coverage import (
    CITY,
    Coverage,
    PublishedStatus,
    Transition,
    city_wide,
    coverage_by_agency,
    status_of,
    transitions,
)
from catalog_service.domain.procedures import ProcedureData
from catalog_service.domain.rows import ParsedRow, RawRow, parse_row


def procedure(
    make_row: Any, code: str, agency: str, placement: str, level: str = "toan_trinh"
) -> ProcedureData:
    at_center, ground = {
        "center": ("1", ""),
        "a": ("0", "a"),
        "b": ("0", "b"),
        "pending": ("0", ""),
    }[placement]
    parsed = parse_row(
        RawRow(
            2,
            make_row(
                ma_tthc=code,
                ma_co_quan=agency,
                tiep_nhan_tai_trung_tam=at_center,
                ly_do_khong_tiep_nhan=ground,
                muc_do_dvc=level,
            ),
        )
    )
    assert isinstance(parsed, ParsedRow)
    return parsed.data


def sample(make_row: Any) -> list[ProcedureData]:
    """STP: 6 at the Center, 2 excluded (a, b), 2 pending. SNGV: 3 at the Center. SYT: 1 excluded."""
    stp = [
        procedure(make_row, f"1.00010{i}", "STP", "center", "toan_trinh" if i < 4 else "mot_phan")
        for i in range(6)
    ]
    stp += [
        procedure(make_row, "1.000201", "STP", "a", "truc_tiep"),
        procedure(make_row, "1.000202", "STP", "b", "truc_tiep"),
    ]
    stp += [
        procedure(make_row, "1.000301", "STP", "pending", "truc_tiep"),
        procedure(make_row, "1.000302", "STP", "pending", "mot_phan"),
    ]
    sngv = [procedure(make_row, f"2.00040{i}", "SNGV", "center") for i in range(3)]
    return [*stp, *sngv, procedure(make_row, "2.000501", "SYT", "a")]


def test_hand_checked_coverage(make_row: Any) -> None:
    found = coverage_by_agency(sample(make_row), ["SKHCN"])
    stp = found["STP"]
    assert (stp.total, stp.eligible, stp.at_center, stp.excluded, stp.pending) == (10, 8, 6, 2, 2)
    assert stp.percent == 75.0
    assert dict(stp.by_level) == {"toan_trinh": 4, "mot_phan": 3, "truc_tiep": 3}
    assert not stp.fully_onboarded
    assert (found["SNGV"].percent, found["SNGV"].fully_onboarded) == (100.0, True)
    assert (found["SYT"].eligible, found["SYT"].percent, found["SYT"].fully_onboarded) == (
        0,
        None,
        False,
    )
    assert found["SKHCN"] == Coverage(
        "SKHCN", by_level={"toan_trinh": 0, "mot_phan": 0, "truc_tiep": 0}
    )

    city = city_wide(found.values())
    assert city.agency_code == CITY
    assert (city.total, city.eligible, city.at_center, city.excluded, city.pending) == (
        14,
        11,
        9,
        3,
        2,
    )
    assert city.percent == round(100 * 9 / 11, 2) == 81.82
    assert dict(city.by_level) == {"toan_trinh": 8, "mot_phan": 3, "truc_tiep": 3}


def test_onboarding_is_announced_once_when_the_last_procedure_moves(
    agencies: Any, make_row: Any
) -> None:
    before = [
        procedure(make_row, "1.000001", "SKHCN", "center"),
        procedure(make_row, "1.000002", "SKHCN", "pending"),
    ]
    now = coverage_by_agency(before, agencies)
    first = transitions({}, now, agencies)
    assert (Transition.COVERAGE_CHANGED, now["SKHCN"]) in first
    assert all(c.agency_code == "SKHCN" for _, c in first)  # agencies without procedures: no news
    published = {"SKHCN": status_of(now["SKHCN"], agencies["SKHCN"])}
    assert published["SKHCN"] == PublishedStatus((2, 1, 0, 1), False)

    moved = coverage_by_agency(
        [before[0], procedure(make_row, "1.000002", "SKHCN", "center")], agencies
    )
    found = transitions(published, moved, agencies)
    assert [t for t, _ in found] == [Transition.COVERAGE_CHANGED, Transition.FULLY_ONBOARDED]
    published = {"SKHCN": status_of(moved["SKHCN"], agencies["SKHCN"])}
    assert transitions(published, moved, agencies) == []  # nothing new: announced once

    gained = coverage_by_agency(
        [
            *before[:1],
            procedure(make_row, "1.000002", "SKHCN", "center"),
            procedure(make_row, "1.000003", "SKHCN", "pending"),
        ],
        agencies,
    )
    assert [t for t, _ in transitions(published, gained, agencies)] == [
        Transition.COVERAGE_CHANGED,
        Transition.REOPENED,
    ]


def test_only_departments_and_boards_are_onboarded(agencies: Any, make_row: Any) -> None:
    office = coverage_by_agency([procedure(make_row, "1.000001", "VPUBND", "center")], agencies)
    assert office["VPUBND"].fully_onboarded
    assert [t for t, _ in transitions({}, office, agencies)] == [Transition.COVERAGE_CHANGED]
    board = coverage_by_agency([procedure(make_row, "1.000001", "BDT", "center")], agencies)
    assert Transition.FULLY_ONBOARDED in [t for t, _ in transitions({}, board, agencies)]


def test_an_agency_with_only_excluded_procedures_is_not_onboarded(
    agencies: Any, make_row: Any
) -> None:
    found = coverage_by_agency([procedure(make_row, "1.000001", "STC", "b")], agencies)
    assert [t for t, _ in transitions({}, found, agencies)] == [Transition.COVERAGE_CHANGED]
