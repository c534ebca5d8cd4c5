"""The CLI reads dates as every output writes them (dd/mm/yyyy, mm/yyyy) and as ISO 8601."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import typer
from typer.testing import CliRunner

from pasc_contracts import VN_TZ
from pasc_runtime.dates import month_option, parse_day, parse_month, parse_when


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


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("05/2023", "2023-05"),
        ("5/2023", "2023-05"),
        ("31/05/2023", "2023-05"),
        ("2023-05", "2023-05"),
        ("2023-05-31", "2023-05"),
    ],
)
def test_months(text: str, month: str) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["2023-5", "13/2023", "00/2023", "05/1899", "mai", "2023-13"])
def test_not_months(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month(text)


def test_days_in_both_forms() -> None:
    assert parse_day("31/05/2023") == parse_day("2023-05-31") == date(2023, 5, 31)
    for text in ("31/02/2023", "31/05/2023 08:00", "2023-5-31"):
        with pytest.raises(ValueError):
            parse_day(text)


def test_a_bad_month_option_stops_with_a_vietnamese_message() -> None:
    app = typer.Typer()

    @app.command()
    def report(month: str = typer.Option(..., parser=month_option("--month"))) -> None:
        typer.echo(month)

    runner = CliRunner()
    assert runner.invoke(app, ["--month", "31/05/2023"]).output == "2023-05\n"
    refused = runner.invoke(app, ["--month", "2023-5"])
    assert refused.exit_code == 2
    assert refused.output == (
        "Lỗi: --month '2023-5' không đúng; viết mm/yyyy (05/2023), dd/mm/yyyy (31/05/2023)"
        " hoặc yyyy-mm (2023-05).\n"
    )
