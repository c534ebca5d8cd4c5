"""The admin tables print what people read: "-" for nothing, Vietnam time, dd/mm/yyyy."""

from __future__ import annotations

from integration_gateway.cli import cell


def test_cells() -> None:
    assert cell(None) == "-"
    assert cell("") == "-"
    assert cell("2023-05-31T17:30:00+00:00") == "01/06/2023 00:30:00"
    assert cell("2023-05-31T10:00:00.123456Z") == "31/05/2023 17:00:00"
    assert cell("SXD") == "SXD"
    assert cell(3) == "3"
    assert cell("2023-05-31T10:00:00") == "2023-05-31T10:00:00"  # no zone: shown as it is
