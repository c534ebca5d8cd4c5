"""The dashboard page and the monthly report templates render without a database."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from pasc_contracts import VN_TZ
from pasc_runtime.auth import Access
from pasc_runtime.auth.testing import LocalIssuer
from reporting_service.app import reports
from reporting_service.app.http import make_api
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.figures import Figures
from reporting_service.domain.periods import month_period
from reporting_service.domain.scoring import score

ISSUER = LocalIssuer()
OFFICE = ISSUER.bearer("center-office", audience="reporting-service")


def client(admin_token: str | None = None) -> TestClient:
    """The API trusting a local issuer; requests carry no token unless given one."""
    registry = CollectorRegistry()
    metrics = ReportingMetrics.create(registry)
    access = Access(ISSUER.verifier("reporting-service"), registry)
    api = make_api(lambda: None, metrics, 30, access, admin_token=admin_token)  # type: ignore[arg-type,return-value]  # no database here
    return TestClient(api)


def test_dashboard_is_vietnamese_by_default_english_on_request_and_self_contained() -> None:
    c = client()
    vi = c.get("/dashboard?date=2023-04-15")
    assert vi.status_code == 200
    assert "Tiếp nhận" in vi.text and "Xu hướng 30 ngày" in vi.text
    assert "http://" not in vi.text and "https://" not in vi.text  # no CDN: works offline
    assert '"trend_from": "2023-03-17"' in vi.text
    assert '"month": "2023-04"' in vi.text  # the month shown, for its reports' links
    assert 'href="v1/reports/monthly/2023-04.docx"' in vi.text
    assert 'type="date"' in vi.text and 'value="2023-04-15"' in vi.text  # the date picker
    en = c.get("/dashboard?lang=en")
    assert "Received" in en.text
    assert (
        c.get("/dashboard/assets/dashboard.js")
        .headers["content-type"]
        .startswith("text/javascript")
    )
    missing = c.get("/dashboard/assets/other.js")
    assert missing.status_code == 404
    assert missing.json() == {
        "error_code": "404",
        "code": "dashboard_asset_not_found",
        "message": "trang điều hành không có tệp 'other.js'",
        "field": "name",
    }
    bad = c.get("/dashboard?date=2023-02-30")
    assert bad.status_code == 422
    assert bad.json() == {
        "error_code": "422",
        "code": "invalid_field",
        "message": "query.date: không phải ngày hợp lệ",
        "field": "query.date",
    }


def test_monthly_report_renders_in_vietnamese_with_csv_tables() -> None:
    figures = Figures(received=10, processed=8, on_time=6, late=2).as_dict()
    compared = {
        **figures,
        **{f"{k}_previous": 1 for k in figures},
        **{f"{k}_change": 1 for k in figures},
    }
    report = {
        "month": "2023-04", "month_label": "04/2023", "previous_label": "03/2023",
        "period": month_period("2023-04"), "generated_at": datetime(2023, 5, 2, tzinfo=VN_TZ),
        "city": compared, "score": score(Figures(received=10, processed=8, on_time=6)),
        "agencies": [{"agency_code": "SXD", "agency_name": "Sở Xây dựng", **compared}],
        "late_by_procedure": [{"agency_code": "SXD", "agency_name": "Sở Xây dựng",
                               "ma_tthc": "1.001234", "ten_tthc": "Cấp phép", "processed": 8, "late": 2}],
        "coverage": {"eligible": 80, "at_center": 78, "coverage_rate": 0.975, "by_agency": [
            {"agency_code": "SXD", "eligible": 80, "at_center": 78, "excluded": 2,
             "coverage_rate": 0.975, "as_of": date(2023, 4, 1)}]},
        "plan": {"tasks": 2, "done": 1, "overdue": 1, "done_rate": 0.5, "by_agency": [
            {"agency_code": "SXD", "tasks": 2, "done": 1, "in_progress": 1, "not_started": 0,
             "blocked": 0, "overdue": 1, "average_percent": 75.0, "done_rate": 0.5}]},
        "plan_titles": {}, "submissions": {"SXD": {"state": "received"}}, "decisions": [],
        "names": {"SXD": "Sở Xây dựng"},
    }  # fmt: skip
    html = reports.render_html(report)
    assert "THÁNG 04/2023" in html and "Sở Xây dựng" in html and "Đã nộp" in html
    assert "Chưa đủ số liệu" in html  # a partial index says so, with no rating band
    for table in reports.TABLES:
        text = reports.render_csv(report, table)
        assert text.startswith("\ufeffMã cơ quan,")
    assert "SXD,Sở Xây dựng,1.001234,Cấp phép,8,2" in reports.render_csv(
        report, "late_by_procedure"
    )


def test_outside_figures_need_the_admin_token_or_a_loopback_client() -> None:
    figure = {"indicator": "hai_long_danh_gia", "from": "2023-05-01", "to": "2023-05-31",
              "numerator": 1, "denominator": 2, "source": "khảo sát", "entered_by": "VP",
              "reason": "kiểm thử"}  # fmt: skip
    assert client().post("/v1/index766/inputs", json=figure).status_code == 401  # no token
    # The office's token, then the index's own rule (TestClient is not loopback):
    anonymous = client().post("/v1/index766/inputs", json=figure, headers=OFFICE)
    assert anonymous.status_code == 403
    assert anonymous.json() == {
        "error_code": "403",
        "code": "loopback_only",
        "message": "Chưa cấu hình ADMIN_TOKEN: chỉ nhập được từ máy chủ.",
        "field": "x-admin-token",
    }
    guarded = client(admin_token="s3cret")
    wrong = guarded.post(
        "/v1/index766/inputs", json=figure, headers={**OFFICE, "X-Admin-Token": "nope"}
    )
    assert wrong.status_code == 401
    assert wrong.json() == {
        "error_code": "401",
        "code": "figures_admin_token_required",
        "message": "Cần mã quản trị (X-Admin-Token) để nhập số liệu.",
        "field": "x-admin-token",
    }
