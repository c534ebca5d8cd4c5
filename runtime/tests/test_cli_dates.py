"""The CLI reads dates as every output writes them (dd/mm/yyyy) and as ISO 8601."""

from __future__ import annotations

from datetime import datetime

import pytest

from pasc_contracts import VN_TZ
from pasc_runtime.deadletters_cli import parse_when


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("31/05/2023", False, datetime(2023, 5, 31, tzinfo=VN_TZ)),
        ("31/05/2023", True, datetime(2023, 6, 1, tzinfo=VN_TZ)),
        ("1/5/2023 08:30", False, datetime(2023, 5, 1, 8, 30, tzinfo=VN_TZ)),
        ("2023-05-31", False, datetime(2023, 5, 31, tzinfo=VN_TZ)),
        ("2023-05-31T14:00:00", False, datetime(2023, 5, 31, 14, tzinfo=VN_TZ)),
        ("2023-05-31T07:00:00+00:00", False, datetime(2023, 5, 31, 14, tzinfo=VN_TZ)),
    ],
)
def test_dates(text: str, end: bool, expected: datetime) -> None:
    assert parse_when(text, end_of_day=end) == expected


@pytest.mark.parametrize("text", ["31/02/2023", "2023-5", "yesterday", "05/31/2023"])
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_when(text)
