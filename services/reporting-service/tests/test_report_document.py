"""The monthly report as a signed document: Decree 30's parts, every section, the cut-off, and
files that read back (DOCX with python-docx, XLSX with openpyxl).

Run as a script to write the committed sample (docs/bao-cao-thang-05-2023.sample.docx and .xlsx,
synthetic figures), then render it as the office sees it (LibreOffice and poppler are dev tools:
apt-get install libreoffice-writer poppler-utils fonts-liberation2):
    uv run --frozen python services/reporting-service/tests/test_report_document.py
    cd services/reporting-service/docs
    soffice --headless --convert-to pdf bao-cao-thang-05-2023.sample.docx
    pdftoppm -png -r 80 bao-cao-thang-05-2023.sample.pdf bao-cao-thang-05-2023.sample
"""

from __future__ import annotations

import io
import random
import sys
from collections.abc import Iterable
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from prometheus_client import CollectorRegistry

from pasc_contracts import VN_TZ
from pasc_runtime.auth import Access
from pasc_runtime.auth.testing import LocalIssuer
from reporting_service.app.documents import cut_off, render_docx, render_xlsx
from reporting_service.app.http import make_api
from reporting_service.app.metrics import ReportingMetrics
from reporting_service.domain.agencies import AGENCIES
from reporting_service.domain.figures import Figures
from reporting_service.domain.periods import month_period
from reporting_service.domain.report_document import (
    AgencyFigures,
    CoverageFigure,
    LateProcedure,
    Letterhead,
    MonthFacts,
    PlanTask,
    ReportDocument,
    Signing,
    SigningError,
    Submission,
    build_report,
    check_signing,
    place_date_line,
)

MAY = month_period("2023-05")
UNTIL = cut_off(MAY, datetime(2026, 1, 1, tzinfo=VN_TZ))
SIGNING = Signing(
    number="125",
    day=date(2023, 6, 5),
    signer="Nguyễn Văn An",
    position="PHÓ CHÁNH VĂN PHÒNG",
    authority="KT. CHÁNH VĂN PHÒNG",
)
SECTIONS = (
    "I. TÌNH HÌNH CHUNG",
    "II. KẾT QUẢ THEO NHIỆM VỤ VÀ CƠ QUAN",
    "III. TIẾN ĐỘ CÁC MỤC TIÊU CỦA KẾ HOẠCH",
    "IV. ĐÁNH GIÁ CHUNG",
    "V. NHIỆM VỤ THÁNG TỚI",
)
SUBSECTIONS = ("1. Kết quả đạt được", "2. Hạn chế", "3. Nguyên nhân")


def at(day: int, month: int = 5, hour: int = 9) -> datetime:
    return datetime(2023, month, day, hour, 0, tzinfo=VN_TZ)


def _figures(rng: random.Random, scale: int) -> Figures:
    received = rng.randint(scale // 2, scale)
    online = int(received * rng.uniform(0.2, 0.7))
    digitized = int(received * rng.uniform(0.6, 1.0))
    processed = int(received * rng.uniform(0.7, 0.95))
    late = int(processed * rng.choice((0, 0, 0.01, 0.03, 0.08)))
    return Figures(
        received=received,
        processed=processed,
        on_time=processed - late,
        late=late,
        online=online,
        postal=rng.randint(0, received // 20),
        digitized=digitized,
        paid_online=int(online * 0.4),
        refused=rng.randint(0, 3),
        withdrawn=rng.randint(0, 2),
        result_returned=processed - rng.randint(0, 5),
    )


def _sum(many: Iterable[Figures]) -> Figures:
    rows = list(many)
    return Figures(**{f.name: sum(getattr(r, f.name) for r in rows) for f in fields(Figures)})


def may_2023() -> MonthFacts:
    """A scripted May 2023 for the city's 20 agencies (synthetic figures, fixed seed)."""
    rng = random.Random(2023_05)
    agencies = []
    for a in AGENCIES:
        quiet = a.code in ("BDT", "TTTP")  # no dossiers at all: still listed
        current = Figures() if quiet else _figures(rng, 400)
        previous = Figures() if quiet else _figures(rng, 380)
        backlog = 0 if quiet else rng.randint(10, 160)
        agencies.append(
            AgencyFigures(a.code, a.name, current, previous, backlog, backlog // rng.randint(6, 40))
        )
    city = _sum(a.figures for a in agencies)
    city_previous = _sum(a.previous for a in agencies)
    coverage = [
        CoverageFigure(a.code, 60 + i * 3, 60 + i * 3 - (i % 4) * 2, i % 3, date(2023, 4, 1))
        for i, a in enumerate(AGENCIES)
        if a.kind != "office"
    ]
    later = {
        # SKHCN reached 100% on 20/5; SNGV on 10/6, after the cut-off: left out of May's figure.
        "SKHCN": CoverageFigure("SKHCN", 80, 80, 2, date(2023, 5, 20)),
        "SNGV": CoverageFigure("SNGV", 40, 40, 0, date(2023, 6, 10)),
    }
    coverage = [later.get(c.agency_code, c) for c in coverage]
    tasks = [
        PlanTask(
            "VPUBND",
            13,
            "Tham mưu ban hành Quy chế tổ chức và hoạt động của Trung tâm",
            "done",
            at(28, 3),
            100,
            date(2023, 3, 30),
        ),
        PlanTask(
            "VPUBND", 23, "Tổ chức lễ ra mắt Trung tâm", "done", at(28, 4), 100, date(2023, 4, 28)
        ),
        PlanTask(
            "SXD",
            4,
            "Rà soát thủ tục hành chính đưa vào tiếp nhận tại Trung tâm",
            "done",
            at(25, 3),
            100,
            date(2023, 3, 29),
        ),
        PlanTask(
            "SYT",
            4,
            "Rà soát thủ tục hành chính đưa vào tiếp nhận tại Trung tâm",
            "in_progress",
            at(20),
            60,
            date(2023, 3, 29),
        ),
        # Done on 2 June: after the cut-off, so not done in May's report.
        PlanTask(
            "STC",
            2,
            "Tham mưu bố trí kinh phí để triển khai, thực hiện Kế hoạch",
            "done",
            at(2, 6),
            100,
            date(2023, 3, 31),
        ),
        PlanTask(
            "SNV",
            22,
            "Nghiên cứu, tham mưu quy định chế độ, chính sách đặc thù",
            "blocked",
            at(15),
            30,
            date(2023, 12, 31),
        ),
        PlanTask(
            "SKHCN",
            11,
            "Giải thể Bộ phận Một cửa tại các sở, ban ngành",
            None,
            None,
            None,
            date(2023, 6, 15),
        ),
        PlanTask(
            "STTTT",
            16,
            "Kết nối, tích hợp, chia sẻ dữ liệu; kết nối camera giám sát",
            "in_progress",
            at(25),
            80,
            date(2023, 4, 27),
        ),
    ]
    submissions = [
        Submission("SXD", "received", at(3)),
        Submission("SYT", "received", at(8)),
        Submission("STC", "received", at(2, 6)),  # April's report received in June: too late
        Submission("SNV", "missing", None),
    ]
    return MonthFacts(
        period=MAY,
        until=UNTIL,
        city=city,
        city_previous=city_previous,
        backlog=sum(a.backlog for a in agencies),
        backlog_overdue=sum(a.backlog_overdue for a in agencies),
        agencies=agencies,
        late_by_procedure=[
            LateProcedure(
                "SXD",
                "1.009972",
                "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, II",
                210,
                17,
            ),
            LateProcedure(
                "STNMT", "1.004227", "Đăng ký đất đai, tài sản gắn liền với đất lần đầu", 150, 12
            ),
            LateProcedure("SGTVT", "1.002804", "Cấp đổi giấy phép lái xe", 300, 6),
        ],
        coverage=coverage,
        tasks=tasks,
        submissions=submissions,
        names={a.code: a.name for a in AGENCIES},
        plan_title="Kế hoạch triển khai thực hiện Quyết định thành lập Trung tâm Phục vụ hành chính công thành phố Cần Thơ",
    )


@pytest.fixture(scope="module")
def document() -> ReportDocument:
    return build_report(may_2023(), SIGNING)


@pytest.fixture(scope="module")
def docx_text(document: ReportDocument) -> list[str]:
    """Every paragraph of the DOCX, read back, tables' cells included, in document order."""
    doc = Document(io.BytesIO(render_docx(document)))
    lines = []
    body = doc.element.body
    for block in body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif block.tag.endswith("}tbl"):
            for cell_p in block.iter():
                if cell_p.tag.endswith("}p"):
                    lines.append(
                        "".join(t.text or "" for t in cell_p.iter() if t.tag.endswith("}t"))
                    )
    return lines


def test_the_docx_has_decree_30s_parts_the_number_line_and_the_signer(docx_text: list[str]) -> None:
    for part in (
        "UBND THÀNH PHỐ CẦN THƠ",
        "VĂN PHÒNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/BC-VPUBND",
        "Cần Thơ, ngày 05 tháng 6 năm 2023",
        "BÁO CÁO",
        "Tình hình tiếp nhận, giải quyết thủ tục hành chính tại Trung tâm Phục vụ hành chính"
        " công thành phố và kết quả thực hiện Kế hoạch tháng 5 năm 2023",
        "Kính gửi: Ủy ban nhân dân thành phố Cần Thơ.",
        "Nơi nhận:",
        "- Lưu: VT, TTPVHCC.",
        "KT. CHÁNH VĂN PHÒNG",
        "PHÓ CHÁNH VĂN PHÒNG",
        "Nguyễn Văn An",
    ):
        assert part in docx_text, part
    # The order Decree 30 gives: number line before the title, the signer last.
    assert docx_text.index("Số: 125/BC-VPUBND") < docx_text.index("BÁO CÁO")
    assert docx_text.index("PHÓ CHÁNH VĂN PHÒNG") < docx_text.index("Nguyễn Văn An")
    assert [line for line in docx_text if line.strip()][-1] == "Nguyễn Văn An"


def test_every_section_is_there_in_order_with_its_figures(docx_text: list[str]) -> None:
    positions = [docx_text.index(s) for s in (*SECTIONS, *SUBSECTIONS)]
    assert positions[:5] == sorted(positions[:5])
    assert positions[3] < positions[5] < positions[6] < positions[7] < positions[4]
    text = "\n".join(docx_text)
    for caption in ("Bảng 1.", "Bảng 2.", "Bảng 3.", "Bảng 4.", "Bảng 5."):
        assert caption in text
    # Every point of the assessment carries a figure.
    start, end = docx_text.index(SUBSECTIONS[0]), docx_text.index(SECTIONS[4])
    points = [line for line in docx_text[start:end] if line.startswith("- ")]
    assert points and all(any(ch.isdigit() for ch in p) for p in points)
    # Every agency is listed, the quiet ones too, and the rows add up to the city.
    for a in AGENCIES:
        assert a.name in docx_text
    assert "Toàn thành phố" in docx_text


def test_the_cut_off_is_the_months_end(document: ReportDocument) -> None:
    text = "\n".join(b for s in document.sections for b in s.blocks if isinstance(b, str))
    plan = next(t for t in document.tables if t.name == "Kế hoạch")
    assert plan.total is not None
    # 8 assignments; STC's task 2 was done on 2 June, so May counts 3 done, not 4.
    assert plan.total[2:6] == [8, 3, 5, 3]  # overdue: SYT 4, STC 2, STTTT 16 (due before 31/5)
    late = next(t for t in document.tables if t.name == "Nhiệm vụ quá hạn")
    assert [(r[0], r[4]) for r in late.rows] == [(2, 61), (4, 63), (16, 34)]
    # April's reports: SXD on time (3/5), SYT late (8/5), STC's June report and SNV missing.
    assert "1 cơ quan gửi đúng hạn, 1 cơ quan gửi trễ hạn, 2 cơ quan chưa gửi" in text
    # SNGV's coverage figure is dated 10/6: after the cut-off, left out and said so.
    assert "1 cơ quan có số liệu cập nhật sau cuối kỳ, không tính" in text
    coverage = next(t for t in document.tables if t.name == "Danh mục TTHC")
    assert "Sở Ngoại vụ" not in [r[1] for r in coverage.rows]
    assert "hết 23:59 ngày 31/05/2023" in document.as_of_note


def test_agency_rows_add_up_to_the_city(document: ReportDocument) -> None:
    table = next(t for t in document.tables if t.name == "Theo cơ quan")
    assert table.total is not None
    for column in (2, 3, 4, 5, 6, 9, 10):
        assert sum(int(r[column]) for r in table.rows) == table.total[column]  # type: ignore[call-overload]  # total: list[object]; these cells are ints
    assert len(table.rows) == len(AGENCIES)


def test_the_xlsx_has_real_numbers_dates_and_vietnamese_headers(document: ReportDocument) -> None:
    book = load_workbook(io.BytesIO(render_xlsx(document)))
    assert book.sheetnames[:3] == ["Thông tin", "Theo cơ quan", "Kế hoạch"]
    agencies = book["Theo cơ quan"]
    assert agencies.cell(3, 2).value == "Cơ quan" and agencies.cell(3, 8).value == "Tỷ lệ đúng hạn"
    received = agencies.cell(4, 3)
    assert isinstance(received.value, int) and received.number_format == "#,##0"
    on_time = agencies.cell(4, 8)
    assert isinstance(on_time.value, int | float) and on_time.number_format == "0.0%"
    assert 0 <= on_time.value <= 1
    late = book["Nhiệm vụ quá hạn"]
    due = late.cell(4, 4)
    assert isinstance(due.value, datetime) and due.number_format == "dd/mm/yyyy"
    assert book["Thông tin"].cell(3, 2).value == "Số: 125/BC-VPUBND"


def test_blank_number_and_date_are_left_for_the_clerk() -> None:
    document = build_report(may_2023(), Signing())
    assert document.number_line.startswith("Số: ") and document.number_line.endswith("/BC-VPUBND")
    assert "ngày      tháng" in document.place_date_line
    assert place_date_line(Letterhead(), date(2024, 2, 3)) == "Cần Thơ, ngày 03 tháng 02 năm 2024"
    assert place_date_line(Letterhead(), date(2024, 11, 20)) == "Cần Thơ, ngày 20 tháng 11 năm 2024"


@pytest.mark.parametrize(
    ("signing", "field"),
    [
        (Signing(number="12a"), "so"),
        (Signing(number="123456"), "so"),
        (Signing(signer="<script>"), "nguoi_ky"),
        (Signing(signer="Nguyễn 2"), "nguoi_ky"),
        (Signing(position="CHÁNH VĂN PHÒNG; DROP"), "chuc_vu"),
        (Signing(authority="XX. CHÁNH VĂN PHÒNG"), "tham_quyen"),
        (Signing(day=date(2023, 5, 20)), "ngay"),  # before the month ends
        (Signing(day=date(2023, 7, 2)), "ngay"),  # after "today" below
    ],
)
def test_signing_parameters_that_cannot_be_right_are_refused(signing: Signing, field: str) -> None:
    with pytest.raises(SigningError) as refused:
        check_signing(signing, MAY, date(2023, 7, 1))
    assert refused.value.field == field


def client() -> TestClient:
    """The API with a local token issuer, signed in as the CIOC (the routes' role)."""
    registry = CollectorRegistry()
    metrics = ReportingMetrics.create(registry)
    issuer = LocalIssuer()
    access = Access(issuer.verifier("reporting-service"), registry)
    api = make_api(lambda: None, metrics, 30, access)  # type: ignore[arg-type,return-value]  # no pool: refused first
    return TestClient(api, headers=issuer.bearer("cioc", audience="reporting-service"))


@pytest.mark.parametrize(
    ("url", "code", "field", "message"),
    [
        ("/v1/reports/monthly/2023-13.docx", "invalid_field", "path.month",
         "path.month: không đúng định dạng"),
        ("/v1/reports/monthly/2099-01.docx", "month_not_started", "month",
         "tháng 01/2099 chưa bắt đầu"),
        ("/v1/reports/monthly/1378-05.docx", "invalid_field", "path.month",
         "path.month: không đúng định dạng"),
        ("/v1/reports/monthly/1378-05.html", "invalid_field", "path.month",
         "path.month: không đúng định dạng"),
        ("/v1/reports/monthly/1378-05/agencies.csv", "invalid_field", "path.month",
         "path.month: không đúng định dạng"),
        ("/v1/reports/monthly/2023-05.docx?so=abc", "signing_invalid", "so",
         "số văn bản là số Ả Rập, tối đa 5 chữ số (ví dụ 125)"),
        ("/v1/reports/monthly/2023-05.docx?ngay=2023-02-30", "invalid_field", "query.ngay",
         "query.ngay: không phải ngày hợp lệ"),
        ("/v1/reports/monthly/2023-05.docx?ngay=2023-05-02", "signing_invalid", "ngay",
         "báo cáo tháng 05/2023 ký từ ngày 31/05/2023 trở đi"),
        ("/v1/reports/monthly/2023-05.docx?nguoi_ky=%3Cb%3E", "signing_invalid", "nguoi_ky",
         "họ và tên người ký chỉ gồm chữ cái và dấu cách"),
        ("/v1/reports/monthly/2023-05.docx?tham_quyen=KT", "signing_invalid", "tham_quyen",
         "thẩm quyền ký có dạng 'KT. CHÁNH VĂN PHÒNG' (KT., TL., TUQ., TM., Q.)"),
        ("/v1/reports/monthly/2023-05.xlsx?so=1234567", "invalid_field", "query.so",
         "query.so: dài quá 5 ký tự"),
    ],
)  # fmt: skip
def test_bad_document_parameters_are_a_422_naming_the_field(
    url: str, code: str, field: str, message: str
) -> None:
    response = client().get(url)
    assert response.status_code == 422, response.text
    assert response.json() == {
        "error_code": "422",
        "code": code,
        "message": message,
        "field": field,
    }


def test_a_month_without_any_activity_still_makes_a_document() -> None:
    empty = MonthFacts(
        period=MAY,
        until=UNTIL,
        city=Figures(),
        city_previous=Figures(),
        backlog=0,
        backlog_overdue=0,
        agencies=[AgencyFigures(a.code, a.name, Figures(), Figures()) for a in AGENCIES],
        late_by_procedure=[],
        coverage=[],
        tasks=[],
        submissions=[],
        names={},
    )
    document = build_report(empty, Signing())
    lines = [p.text for p in Document(io.BytesIO(render_docx(document))).paragraphs]
    assert all(section in lines for section in SECTIONS)
    assert "- Không có hạn chế nào thể hiện trên số liệu của kỳ báo cáo." in lines
    assert load_workbook(io.BytesIO(render_xlsx(document))).sheetnames[0] == "Thông tin"


def write_sample(directory: Path) -> None:
    document = build_report(may_2023(), SIGNING)
    (directory / "bao-cao-thang-05-2023.sample.docx").write_bytes(render_docx(document))
    (directory / "bao-cao-thang-05-2023.sample.xlsx").write_bytes(render_xlsx(document))


if __name__ == "__main__":
    write_sample(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "docs")
