"""The monthly report reads as the office would send it to the People's Committee."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pasc_contracts import VN_TZ
from task_service.app.report import render_html, render_markdown
from task_service.domain.deadlines import Anchors
from task_service.domain.errors import DomainError
from task_service.domain.monthly_report import (
    AssignmentFacts,
    HistoryEntry,
    ReceivedReport,
    Standing,
    build_monthly_report,
)
from task_service.domain.plan import PlanDocument

ISSUED, LAUNCH = date(2023, 3, 10), date(2023, 4, 28)


def at(day: int, month: int = 4) -> datetime:
    return datetime(2023, month, day, 9, 0, tzinfo=VN_TZ)


def progress(
    task_no: int, agency: str, when: datetime, percent: int, **extra: object
) -> HistoryEntry:
    return HistoryEntry(
        task_no, agency, "task.progress_reported", when, {"percent": percent, **extra}
    )


def status(
    task_no: int, agency: str, when: datetime, value: str, reason: str | None = None
) -> HistoryEntry:
    return HistoryEntry(
        task_no, agency, "task.status_changed", when, {"status": value, "reason": reason}
    )


def scenario(
    plan: PlanDocument, today: date, history: list[HistoryEntry], reports: list[ReceivedReport]
):
    dues = plan.due_dates(Anchors(ISSUED, LAUNCH, {"SXD": date(2023, 4, 10)}))
    facts = [AssignmentFacts(k[0], k[1], d.on, d.reason) for k, d in dues.items()]
    return build_monthly_report(
        plan,
        year=2023,
        month=4,
        today=today,
        issue_date=ISSUED,
        launch_date=LAUNCH,
        assignments=facts,
        history=[h for h in history if h.at.date() <= min(today, date(2023, 4, 30))],
        reports=reports,
    )


HISTORY = [
    progress(13, "VPUBND", at(28, 3), 100, result_ref="Quyết định số 800/QĐ-UBND ngày 28/3/2023"),
    status(13, "VPUBND", at(28, 3), "done"),
    progress(4, "SXD", at(25, 3), 100, result_ref="Công văn số 512/SXD-VP ngày 25/3/2023"),
    status(4, "SXD", at(25, 3), "done"),
    progress(4, "SYT", at(5), 60, note="Đang rà soát 45 thủ tục"),
    status(4, "SYT", at(5), "in_progress"),
    status(2, "STC", at(3), "blocked", reason="Chờ cơ quan lập dự toán gửi hồ sơ"),
    progress(3, "VPUBND", at(20), 80),
    status(3, "VPUBND", at(20), "in_progress"),
    progress(3, "VPUBND", at(29), 100, result_ref="Biên bản bàn giao trụ sở ngày 29/4/2023"),
    status(3, "VPUBND", at(29), "done"),
    progress(
        14, "VPUBND", at(3, 5), 100, result_ref="Quyết định số 950/QĐ-UBND"
    ),  # May: not in April
    status(14, "VPUBND", at(3, 5), "done"),
]
REPORTS = [
    ReceivedReport(
        "SXD", "Đã đưa 100% thủ tục vào tiếp nhận tại Trung tâm | <b>đúng hạn</b>", at(2, 5)
    ),
    ReceivedReport("SYT", "Đã rà soát 45/60 thủ tục", at(8, 5)),
]


@pytest.fixture(scope="module")
def may_8(plan: PlanDocument):
    return scenario(plan, date(2023, 5, 8), HISTORY, REPORTS)


def row(report, task_no: int, agency: str):
    return next(r for r in report.rows if (r.task_no, r.agency_code) == (task_no, agency))


def test_each_assignment_stands_as_at_the_end_of_the_month(may_8) -> None:
    assert may_8.as_of == date(2023, 4, 30)
    assert row(may_8, 13, "VPUBND").standing is Standing.DONE_ON_TIME  # done 28/3, due 30/3
    assert row(may_8, 4, "SXD").standing is Standing.DONE_ON_TIME
    late = row(may_8, 4, "SYT")
    assert (late.standing, late.days_late, late.state.percent) == (Standing.LATE, 32, 60)
    assert row(may_8, 3, "VPUBND").standing is Standing.DONE_LATE  # due 27/4, done 29/4
    assert row(may_8, 14, "VPUBND").standing is Standing.LATE  # its May report is not April's
    assert row(may_8, 11, "SXD").standing is Standing.LATE  # 100% on 10/4, due at the launch (28/4)
    assert row(may_8, 11, "SYT").standing is Standing.WAITING
    assert row(may_8, 6, "SXD").standing is Standing.ONGOING  # SXD sent April's report
    assert row(may_8, 6, "SYT").standing is Standing.ONGOING  # sent late, but sent
    assert row(may_8, 6, "STC").standing is Standing.ONGOING_LATE  # nothing by 5/5
    assert row(may_8, 2, "STC").state.blocked_reason == "Chờ cơ quan lập dự toán gửi hồ sơ"


def test_monthly_reports_received_missing_or_not_yet_due(plan: PlanDocument, may_8) -> None:
    assert [d.agency_code for d in may_8.received] == ["SXD", "SYT"]
    assert len(may_8.missing) == 17
    before_due = scenario(plan, date(2023, 5, 3), HISTORY, REPORTS[:1])
    assert before_due.missing == [] and len(before_due.not_yet_due) == 18


def test_the_markdown_reads_as_an_official_report(may_8) -> None:
    text = render_markdown(may_8)
    for line in [
        "**ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ**",
        "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**",
        "*Cần Thơ, ngày 08 tháng 5 năm 2023*",
        "# BÁO CÁO",
        "## Tình hình thực hiện Kế hoạch triển khai thực hiện Quyết định thành lập Trung tâm"
        " Phục vụ hành chính công thành phố Cần Thơ tháng 04/2023",
        "Kính gửi: Ủy ban nhân dân thành phố Cần Thơ.",
        "## I. TÌNH HÌNH CHUNG",
        "## II. KẾT QUẢ THỰC HIỆN CỦA TỪNG CƠ QUAN",
        "### 1. Văn phòng Ủy ban nhân dân thành phố",
        "| STT | Nhiệm vụ | Thời hạn | Tiến độ | Kết quả | Tình trạng |",
        "## III. CÁC NHIỆM VỤ TRỄ HẠN",
        "## IV. BÁO CÁO ĐỊNH KỲ HẰNG THÁNG",
        "## V. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT",
        "**CHÁNH VĂN PHÒNG**",
    ]:
        assert line in [each.removesuffix("\\") for each in text.splitlines()], line
    assert "(số liệu tính đến hết ngày 30/04/2023)" in text
    assert "- Đã hoàn thành: 3 lượt (2,7%), trong đó đúng hạn 2, trễ hạn 1;" in text
    assert "| Biên bản bàn giao trụ sở ngày 29/4/2023 | Hoàn thành trễ hạn |" in text
    assert "| 60% - Đang thực hiện. Đang rà soát 45 thủ tục | Chưa có | Trễ hạn 32 ngày |" in text
    assert "- Nhiệm vụ 2 (Sở Tài chính): Chờ cơ quan lập dự toán gửi hồ sơ." in text
    assert "Báo cáo tháng: đã gửi ngày 08/05/2023 (gửi trễ hạn): Đã rà soát 45/60 thủ tục" in text
    assert "2. Chưa gửi báo cáo, đã quá hạn (17 cơ quan): Sở Tài chính; Sở Nội vụ;" in text
    assert "\\| <b>đúng hạn</b>" in text  # a pipe in an agency's text does not break the table


def test_the_html_escapes_what_agencies_wrote(may_8) -> None:
    html = render_html(may_8)
    assert html.startswith("<!DOCTYPE html>")
    assert "<table>" in html and "<h1>BÁO CÁO</h1>" in html
    assert "<b>đúng hạn</b>" not in html and "&lt;b&gt;đúng hạn&lt;/b&gt;" in html


def test_a_month_not_begun_is_refused(plan: PlanDocument) -> None:
    with pytest.raises(DomainError) as err:
        scenario(plan, date(2023, 3, 31), [], [])
    assert err.value.field == "month"


def test_the_current_month_stands_at_today(plan: PlanDocument) -> None:
    report = scenario(plan, date(2023, 4, 20), HISTORY, [])
    assert report.as_of == date(2023, 4, 20)
    assert row(report, 3, "VPUBND").state.percent == 80
    assert report.duties and not report.missing  # April's reports are due on 5/5
    assert "ngày 20 tháng 4 năm 2023" in render_markdown(report)


def test_assignments_handed_to_a_successor_show_in_the_month_they_moved(
    plan: PlanDocument,
) -> None:
    """STTTT merged into SKHCN (a new code the 2023 plan does not list gets its own section)."""
    moved = {
        "from_agency_code": "STTTT",
        "title": "Xây dựng phần mềm một cửa",
        "decision_no": "500/QĐ-UBND",
        "effective_from": "2023-04-15",
        "percent": 40,
        "status": "in_progress",
        "joined_existing": False,
    }
    history = [
        progress(17, "STTTT", at(10), 40),
        status(17, "STTTT", at(10), "in_progress"),
        HistoryEntry(17, "SKHCN2", "task.reassigned", at(16), moved),
        HistoryEntry(4, "SKHCN2", "task.reassigned", at(16), {**moved, "joined_existing": True}),
    ]
    dues = plan.due_dates(Anchors(ISSUED, LAUNCH, {}))
    facts = [
        AssignmentFacts(k[0], k[1], d.on, d.reason) for k, d in dues.items() if k[1] != "STTTT"
    ] + [AssignmentFacts(17, "SKHCN2", dues[(17, "STTTT")].on, None)]
    report = build_monthly_report(
        plan,
        year=2023,
        month=4,
        today=date(2023, 5, 8),
        issue_date=ISSUED,
        launch_date=LAUNCH,
        assignments=facts,
        history=history,
        reports=[],
        ended={"STTTT": date(2023, 4, 15)},
    )
    assert [(r.task_no, r.joined_existing) for r in report.reassigned] == [(17, False), (4, True)]
    took_over = row(report, 17, "SKHCN2")
    assert (took_over.state.percent, took_over.agency_name) == (40, "SKHCN2")
    assert "STTTT" not in {d.agency_code for d in report.duties}  # ended before the due day
    text = render_markdown(report)
    assert "2 lượt nhiệm vụ chưa hoàn thành" in text
    assert (
        "Nhiệm vụ 17. Xây dựng phần mềm một cửa: từ Sở Thông tin và Truyền thông sang SKHCN2"
        " (Quyết định 500/QĐ-UBND, hiệu lực từ ngày 15/04/2023), tiến độ khi chuyển 40%." in text
    )
    assert "nhập vào nhiệm vụ cùng nội dung SKHCN2 đang thực hiện" in text
    assert "<li>Nhiệm vụ 17." in render_html(report)
    empty = scenario(plan, date(2023, 5, 8), HISTORY, REPORTS)
    assert empty.reassigned == [] and "Giao lại nhiệm vụ" not in render_markdown(empty)
