"""Agency lineage events: the shape of each kind of change is checked where it is made."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import ValidationError

from pasc_contracts.events.catalog import AgencyLineage

BASE: dict[str, Any] = {
    "effective_from": "2025-03-01",
    "decision_no": "500/QĐ-UBND",
    "signed_on": "2025-02-28",
    "signer": "Chủ tịch UBND thành phố",
}


@pytest.mark.parametrize(
    ("kind", "key", "before", "after"),
    [
        ("rename", "SB", ["SA"], ["SB"]),
        ("merge", "SC", ["SA", "SB"], ["SC"]),
        ("split", "SA", ["SA"], ["SB", "SC"]),
        ("close", "SA", ["SA"], []),
    ],
)
def test_each_kind_has_its_shape(kind: str, key: str, before: list[str], after: list[str]) -> None:
    lineage = AgencyLineage.model_validate(
        {**BASE, "kind": kind, "agency_code": key, "predecessors": before, "successors": after}
    )
    assert lineage.kind.value == kind


@pytest.mark.parametrize(
    ("kind", "key", "before", "after", "message"),
    [
        ("merge", "SC", ["SA"], ["SC"], "merge: 1 predecessor(s) -> 1 successor(s)"),
        ("split", "SA", ["SA"], ["SB"], "split: 1 predecessor(s) -> 1 successor(s)"),
        ("close", "SA", ["SA"], ["SB"], "close: 1 predecessor(s) -> 1 successor(s)"),
        ("merge", "SA", ["SA", "SB"], ["SC"], "agency_code must be SC"),
        ("split", "SB", ["SA"], ["SB", "SC"], "agency_code must be SA"),
    ],
)
def test_a_wrong_shape_is_refused(
    kind: str, key: str, before: list[str], after: list[str], message: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        AgencyLineage.model_validate(
            {**BASE, "kind": kind, "agency_code": key, "predecessors": before, "successors": after}
        )


def test_a_procedure_moves_only_from_a_predecessor_to_a_successor() -> None:
    with pytest.raises(ValidationError, match=re.escape("1.000001: SA -> SX")):
        AgencyLineage.model_validate(
            {
                **BASE,
                "kind": "split",
                "agency_code": "SA",
                "predecessors": ["SA"],
                "successors": ["SB", "SC"],
                "procedures": [{"ma_tthc": "1.000001", "from_agency": "SA", "to_agency": "SX"}],
            }
        )
