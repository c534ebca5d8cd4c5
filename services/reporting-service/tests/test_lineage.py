"""Whose series a predecessor's figures belong to today."""

from datetime import date

from reporting_service.domain.lineage import ANY_PROCEDURE, Succession, holder_today, today_mapping

D1, D2 = date(2025, 3, 1), date(2025, 7, 1)
SUCCESSIONS = {
    "SKHDT": Succession("SKHDT", ("STC",), D1),
    "OLD": Succession("OLD", ("SKHDT",), date(2020, 1, 1)),
    "SPL": Succession("SPL", ("SA", "SB"), D1),
    "SA": Succession("SA", ("SC",), D2),
    "GONE": Succession("GONE", (), D1),
}
MOVES = {("1.1", "SPL"): "SA", ("1.2", "SPL"): "SB"}


def test_a_merge_and_a_chain_end_at_the_last_successor() -> None:
    assert holder_today("SKHDT", None, SUCCESSIONS, MOVES) == ("STC", D1)
    assert holder_today("OLD", "9.9", SUCCESSIONS, MOVES) == ("STC", D1)
    assert holder_today("STP", None, SUCCESSIONS, MOVES) == ("STP", None)


def test_a_split_follows_each_procedure_and_a_close_keeps_its_own_code() -> None:
    assert holder_today("SPL", "1.1", SUCCESSIONS, MOVES) == ("SC", D2)  # SA was renamed later
    assert holder_today("SPL", "1.2", SUCCESSIONS, MOVES) == ("SB", D1)
    assert holder_today("SPL", "7.7", SUCCESSIONS, MOVES) == ("SPL", None)  # not handed over
    assert holder_today("GONE", None, SUCCESSIONS, MOVES) == ("GONE", None)


def test_the_mapping_rows() -> None:
    rows = set(today_mapping(SUCCESSIONS, MOVES))
    assert rows == {
        ("OLD", ANY_PROCEDURE, "STC", D1),
        ("SKHDT", ANY_PROCEDURE, "STC", D1),
        ("SA", ANY_PROCEDURE, "SC", D2),
        ("SPL", "1.1", "SC", D2),
        ("SPL", "1.2", "SB", D1),
    }
