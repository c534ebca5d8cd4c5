"""`pasc reporting`'s dates: dd/mm/yyyy, mm/yyyy and ISO; a wrong one refused in Vietnamese
before anything is read."""

from __future__ import annotations

from typer.testing import CliRunner

from reporting_service.cli import app


def test_a_month_that_is_not_one_is_refused_in_vietnamese() -> None:
    refused = CliRunner().invoke(app, ["monthly-report", "--month", "2023-5"])
    assert refused.exit_code == 2
    assert refused.output == (
        "Lỗi: --month '2023-5' không đúng; viết mm/yyyy (05/2023), dd/mm/yyyy (31/05/2023)"
        " hoặc yyyy-mm (2023-05).\n"
    )


def test_figures_read_dd_mm_yyyy_and_refuse_a_reversed_period_in_vietnamese() -> None:
    runner = CliRunner()
    reversed_period = runner.invoke(app, ["figures", "--from", "31/05/2023", "--to", "2023-05-01"])
    assert reversed_period.exit_code == 2
    assert reversed_period.output == (
        "Lỗi: --from: ngày bắt đầu 31/05/2023 sau ngày kết thúc 01/05/2023.\n"
    )
    not_a_day = runner.invoke(app, ["figures", "--from", "31/02/2023", "--to", "2023-05-01"])
    assert not_a_day.exit_code == 2
    assert not_a_day.output.startswith("Lỗi: --from '31/02/2023' không đúng; viết dd/mm/yyyy")
