"""DVCQG dates: `yyyyMMddHHmmss` in Vietnam's time zone; impossible dates and other formats
refused (an ISO date once became a zoneless datetime and a 500 in the gateway)."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import BaseModel, ValidationError

from pasc_contracts import VN_TZ
from pasc_contracts.dvcqg import DvcqgDate, format_dvcqg_date


class Stamped(BaseModel):
    at: DvcqgDate | None = None


def test_a_dvcqg_date_is_read_in_vietnam_time_and_written_back_the_same() -> None:
    parsed = Stamped.model_validate({"at": "20230403083015"}).at
    assert parsed == datetime(2023, 4, 3, 8, 30, 15, tzinfo=VN_TZ)
    assert parsed is not None and format_dvcqg_date(parsed) == "20230403083015"


@pytest.mark.parametrize(
    "value",
    ["20231303083000", "20230230083000", "20230403250000", "2023-04-03", "2023040308", 1680480000],
)
def test_an_impossible_or_other_format_date_is_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        Stamped.model_validate({"at": value})
