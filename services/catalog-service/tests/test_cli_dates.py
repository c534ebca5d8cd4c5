"""`pasc catalog`'s date options read dd/mm/yyyy as well as ISO; a wrong one is refused in
Vietnamese before any request."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from catalog_service.cli import app


def test_a_date_that_is_not_one_is_refused_in_vietnamese() -> None:
    refused = CliRunner().invoke(app, ["coverage", "--as-of", "31/02/2023"])
    assert refused.exit_code == 2
    assert refused.output == (
        "Lỗi: ngày '31/02/2023' không đúng; viết dd/mm/yyyy (31/05/2023)"
        " hoặc yyyy-mm-dd (2023-05-31).\n"
    )


def test_dd_mm_yyyy_reaches_the_request_as_iso(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def fake_call(method: str, url: str, **kwargs: object) -> object:
        seen.update(kwargs)
        raise SystemExit(0)

    monkeypatch.setattr("catalog_service.cli._call", fake_call)
    CliRunner().invoke(app, ["coverage", "--as-of", "31/05/2023"])
    assert seen["params"] == {"as_of": "2023-05-31"}
