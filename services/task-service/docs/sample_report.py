"""Writes the sample monthly report (April 2023) beside this file, from an illustrative scenario.

    uv run python services/task-service/docs/sample_report.py

The scenario's documents and numbers are made up for illustration; the plan, its deadlines and
the report are the service's own (the same code the HTTP endpoint runs, without the database).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pasc_contracts import VN_TZ
from task_service.app.report import render_html, render_markdown
from task_service.data import CAN_THO_2023, read_plan_file
from task_service.domain.deadlines import Anchors
from task_service.domain.monthly_report import (
    AssignmentFacts,
    HistoryEntry,
    ReceivedReport,
    build_monthly_report,
)
from task_service.domain.plan import PlanDocument

HERE = Path(__file__).parent
ISSUED, LAUNCH, TODAY = date(2023, 3, 10), date(2023, 4, 28), date(2023, 5, 8)


def at(day: int, month: int = 4) -> datetime:
    return datetime(2023, month, day, 9, 0, tzinfo=VN_TZ)


def report(
    agency: str, task: int, when: datetime, percent: int, status: str, **extra: str
) -> list[HistoryEntry]:
    """A progress report as task-service records it: the progress, then the status it implies."""
    progress = HistoryEntry(
        task, agency, "task.progress_reported", when, {"percent": percent, **extra}
    )
    change = HistoryEntry(task, agency, "task.status_changed", when, {"status": status, **extra})
    return [progress, change]


def scenario(plan: PlanDocument) -> tuple[list[HistoryEntry], list[ReceivedReport]]:
    history = [
        *report(
            "VPUBND",
            1,
            at(30, 3),
            100,
            "done",
            result_ref="Văn bản số 1010/VPUBND-KSTT ngày 30/3/2023",
        ),
        *report(
            "VPUBND",
            13,
            at(29, 3),
            100,
            "done",
            result_ref="Quyết định số 780/QĐ-UBND ngày 29/3/2023",
        ),
        *report(
            "VPUBND",
            14,
            at(29, 3),
            100,
            "done",
            result_ref="Quyết định số 781/QĐ-UBND ngày 29/3/2023",
        ),
        *report(
            "VPUBND",
            20,
            at(28, 3),
            100,
            "done",
            result_ref="Kế hoạch số 55/KH-VPUBND ngày 28/3/2023",
        ),
        *report("VPUBND", 15, at(20), 60, "in_progress", note="Đang lấy ý kiến các sở, ban ngành"),
        *report(
            "VPUBND", 5, at(14), 100, "done", result_ref="Quyết định số 1020/QĐ-UBND ngày 14/4/2023"
        ),
        *report(
            "VPUBND", 10, at(12), 100, "done", result_ref="Quyết định số 990/QĐ-UBND ngày 12/4/2023"
        ),
        *report(
            "VPUBND",
            19,
            at(21),
            80,
            "in_progress",
            note="Đã có chuyên mục trên Cổng thông tin điện tử; đang lập kênh mạng xã hội",
        ),
        *report(
            "VPUBND",
            3,
            at(25),
            90,
            "in_progress",
            note="Đã bàn giao trụ sở; đang lắp đặt trang thiết bị",
        ),
        *report(
            "VPUBND", 8, at(24), 100, "done", result_ref="Quyết định số 1100/QĐ-UBND ngày 24/4/2023"
        ),
        *report("VPUBND", 23, at(28), 100, "done", result_ref="Lễ ra mắt ngày 28/4/2023"),
        *report(
            "STC",
            2,
            at(25, 3),
            70,
            "in_progress",
            note="Đã tổng hợp dự toán của Văn phòng UBND thành phố",
        ),
        *report(
            "STC",
            2,
            at(10),
            70,
            "blocked",
            reason="Chờ kết quả lựa chọn nhà thầu cung cấp trang thiết bị theo quy định đấu thầu",
        ),
        *report(
            "STTTT", 16, at(26), 75, "in_progress", note="Đã kết nối 12/19 hệ thống một cửa điện tử"
        ),
        *report("STTTT", 17, at(26), 40, "in_progress"),
        *report("SNV", 18, at(26), 20, "in_progress"),
    ]
    departments = plan.members("SBN")
    for i, code in enumerate(departments):
        if i < 17:  # 14 on time, 3 late
            when = at(28, 3) if i < 14 else at(5 + i)
            history += report(
                code,
                4,
                when,
                100,
                "done",
                result_ref=f"Công văn đề xuất danh mục thủ tục hành chính ngày {when:%d/%m/%Y}",
            )
        if i < 16:
            history += report(
                code, 9, at(29, 3), 100, "done", result_ref="Văn bản cử công chức ngày 29/03/2023"
            )
        if i % 3 == 0:
            history += report(
                code, 12, at(20), 50, "in_progress", note="Đang nâng cấp đường truyền"
            )
    history += report(
        "SXD", 11, at(27), 30, "in_progress", note="Đang dự thảo văn bản giải thể Bộ phận Một cửa"
    )
    reports = [
        ReceivedReport(
            code,
            "Đã đưa thủ tục hành chính vào tiếp nhận tại Trung tâm; đã cử công chức làm việc tại Trung tâm",
            at(2 + i % 6, 5),
        )
        for i, code in enumerate(departments[:15])
    ]
    return sorted(history, key=lambda h: h.at), reports


def main() -> None:
    plan = PlanDocument.model_validate(read_plan_file(CAN_THO_2023))
    # catalog-service reported Sở Xây dựng's procedures 100% received at the Center on 15/4.
    dues = plan.due_dates(Anchors(ISSUED, LAUNCH, {"SXD": date(2023, 4, 15)}))
    history, reports = scenario(plan)
    view = build_monthly_report(
        plan,
        year=2023,
        month=4,
        today=TODAY,
        issue_date=ISSUED,
        launch_date=LAUNCH,
        assignments=[AssignmentFacts(k[0], k[1], d.on, d.reason) for k, d in dues.items()],
        history=[h for h in history if h.at.date() <= date(2023, 4, 30)],
        reports=reports,
    )
    (HERE / "bao-cao-thang-04-2023.sample.md").write_text(render_markdown(view), encoding="utf-8")
    (HERE / "bao-cao-thang-04-2023.sample.html").write_text(render_html(view), encoding="utf-8")


if __name__ == "__main__":
    main()
