"""Who a predecessor's key speaks for: bound during the transition, refused after."""

from datetime import date

from integration_gateway.domain.lineage import Bound, Ended, Succession, bind, predecessors

MERGE = date(2025, 3, 1)


def successions(**until: date) -> dict[str, Succession]:
    return {
        "SKHDT": Succession("SKHDT", ("STC",), "merge", MERGE, "1/QĐ", until.get("SKHDT")),
        "SGTVT": Succession("SGTVT", ("SXD",), "merge", MERGE, "2/QĐ", until.get("SGTVT")),
        "OLD": Succession("OLD", ("SKHDT",), "rename", date(2020, 1, 1), "0/QĐ"),
        "SPL": Succession("SPL", ("SA", "SB"), "split", MERGE, "3/QĐ", until.get("SPL")),
        "GONE": Succession("GONE", (), "close", MERGE, "4/QĐ"),
    }


def test_an_agency_without_lineage_is_itself() -> None:
    bound = bind("STP", successions(), date(2025, 4, 1), 180)
    assert isinstance(bound, Bound)
    assert (bound.agencies, bound.sent_as, dict(bound.acting_for)) == (
        ("STP",),
        None,
        {"STP": "STP"},
    )


def test_before_the_effective_date_nothing_changes() -> None:
    bound = bind("SKHDT", successions(), date(2025, 2, 28), 180)
    assert isinstance(bound, Bound) and bound.agencies == ("SKHDT",)
    assert bound.holds["SKHDT"] == {"SKHDT", "OLD"}


def test_a_merged_agency_is_bound_to_its_successor_during_the_transition() -> None:
    bound = bind("SKHDT", successions(), date(2025, 8, 27), 180)  # the 180th day
    assert isinstance(bound, Bound)
    assert (bound.agency, bound.sent_as) == ("STC", "SKHDT")
    assert bound.acting_for == {"STC": "STC", "SKHDT": "STC", "OLD": "STC"}
    assert bound.holds["STC"] == {"STC", "SKHDT", "OLD"}


def test_after_the_transition_the_key_is_refused_unless_the_operator_extends_it() -> None:
    ended = bind("SKHDT", successions(), date(2025, 8, 28), 180)
    assert isinstance(ended, Ended) and ended.until == date(2025, 8, 27)
    extended = bind("SKHDT", successions(SKHDT=date(2026, 1, 1)), date(2025, 12, 31), 180)
    assert isinstance(extended, Bound) and extended.agency == "STC"


def test_a_chain_of_changes_binds_to_the_last_successor_while_every_hop_is_in_transition() -> None:
    early = bind("OLD", successions(), date(2020, 3, 1), 180)
    assert isinstance(early, Bound) and (early.agency, early.sent_as) == ("SKHDT", "OLD")
    long_ended = bind("OLD", successions(), date(2025, 4, 1), 180)
    assert isinstance(long_ended, Ended) and long_ended.succession.predecessor == "OLD"


def test_a_split_binds_to_every_successor_by_procedure_and_a_close_to_none() -> None:
    bound = bind("SPL", successions(), date(2025, 4, 1), 180)
    assert isinstance(bound, Bound) and bound.agencies == ("SA", "SB")
    assert "SPL" not in bound.acting_for  # its unmoved procedures belong to neither
    assert bound.holds == {"SA": {"SA", "SPL"}, "SB": {"SB", "SPL"}}
    closed = bind("GONE", successions(), date(2025, 4, 1), 180)
    assert isinstance(closed, Ended) and closed.until is None


def test_a_successor_holds_its_predecessors() -> None:
    assert predecessors("STC", successions(), date(2025, 4, 1)) == {"SKHDT", "OLD"}
    assert predecessors("STC", successions(), date(2024, 4, 1)) == set()
    bound = bind("STC", successions(), date(2025, 4, 1), 180)
    assert isinstance(bound, Bound) and bound.sent_as is None
    assert bound.acting_for == {"STC": "STC", "SKHDT": "STC", "OLD": "STC"}


def test_a_key_issued_after_its_agency_ended_speaks_for_that_agency_itself() -> None:
    old = bind("SKHDT", successions(), date(2026, 1, 1), 180, issued_on=date(2024, 6, 1))
    assert isinstance(old, Ended)
    new = bind("SKHDT", successions(), date(2026, 1, 1), 180, issued_on=date(2025, 3, 1))
    assert isinstance(new, Bound) and (new.agencies, new.sent_as) == (("SKHDT",), None)
    closed = bind("GONE", successions(), date(2026, 1, 1), 180, issued_on=date(2025, 6, 1))
    assert isinstance(closed, Bound) and closed.agency == "GONE"


def test_a_procedure_belongs_to_its_owner_of_the_day_the_dossier_was_received() -> None:
    from datetime import date

    from integration_gateway.domain.ownership import procedure_owner

    # Natural resources' procedure, moved to the merged department on 01/03/2025.
    history = [(date(2023, 4, 1), "STNMT"), (date(2025, 3, 1), "SNNMT")]
    # Today's owner, for any day.
    assert procedure_owner("SNNMT", history, date(2020, 1, 2), {"SNNMT"}) == "SNNMT"
    # The former owner's key, for a dossier received while it owned the procedure...
    assert procedure_owner("SNNMT", history, date(2024, 6, 1), {"STNMT"}) == "STNMT"
    # ...or before the catalog's first version (its first known owner)...
    assert procedure_owner("SNNMT", history, date(2019, 6, 1), {"STNMT"}) == "STNMT"
    # ...but not for one received after the move, nor another agency for any day.
    assert procedure_owner("SNNMT", history, date(2025, 3, 1), {"STNMT"}) is None
    assert procedure_owner("SNNMT", history, date(2024, 6, 1), {"STP"}) is None
    assert procedure_owner("SNNMT", [], date(2024, 6, 1), {"STNMT"}) is None
