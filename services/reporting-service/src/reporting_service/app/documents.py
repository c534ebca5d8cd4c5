"""The monthly report as files the office signs and files: DOCX (Decree 30/2020/NĐ-CP layout,
python-docx) and XLSX tables (openpyxl) that open right in a Vietnamese Excel.

Layout choices, from Decree 30/2020/NĐ-CP Appendix I: A4, margins top/bottom 2 cm, left 3 cm,
right 1.5 cm; Times New Roman; body 14 pt, justified, first line indented 1 cm, 6 pt between
paragraphs, single line spacing; the national name 13 pt bold upper case over the motto 14 pt
bold with a line under it; the issuer's name bold upper case under its parent body's name; the
number line "Số: …/BC-VPUBND" 13 pt; place and date 14 pt italic; the document type "BÁO CÁO"
and its summary bold, centred; "Nơi nhận" 12 pt bold italic and its list 11 pt; the signing
authority and position bold upper case, the signer's name bold; page numbers centred in the
header from page 2.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pasc_contracts import VN_TZ
from pasc_runtime.db import Connection
from reporting_service.adapters import catalog_store, document_queries, kpi_queries
from reporting_service.app.kpi import agency_names
from reporting_service.domain.agencies import AGENCY_CODES
from reporting_service.domain.figures import Figures
from reporting_service.domain.periods import Period, PeriodError, month_period, previous_month
from reporting_service.domain.report_document import (
    MOTTO,
    NATIONAL_NAME,
    AgencyFigures,
    CoverageFigure,
    LateProcedure,
    MonthFacts,
    ReportDocument,
    Signing,
    Table,
    build_report,
    n,
    pct,
)

FONT = "Times New Roman"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cut_off(period: Period, now: datetime) -> datetime:
    """The first instant after the month (Vietnam's time), or now while the month runs."""
    after = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=VN_TZ)
    return min(after, now)


def reportable(month: str, now: datetime) -> Period:
    """The month asked for; PeriodError for a month that has not started."""
    period = month_period(month)
    if period.start > now.astimezone(VN_TZ).date():
        raise PeriodError("month", f"tháng {period.start:%m/%Y} chưa bắt đầu", "month_not_started")
    return period


async def month_facts(conn: Connection, period: Period, now: datetime) -> MonthFacts:
    until = cut_off(period, now)
    before = previous_month(period)
    before_until = cut_off(before, now)
    names = await agency_names(conn)
    current = await kpi_queries.figures_by(conn, period, None, until, "agency")
    previous = await kpi_queries.figures_by(conn, before, None, before_until, "agency")
    backlog = await kpi_queries.backlog(conn, until, None, "agency")
    # Every agency the city reports on is listed, with or without activity, so that the rows
    # add up to the city's totals.
    codes = list(AGENCY_CODES) + sorted(
        (set(current) | set(previous) | set(backlog)) - set(AGENCY_CODES)
    )
    city_backlog = (await kpi_queries.backlog(conn, until, None)).get(None, (0, 0))
    previous_key = f"{before.start.year:04d}-{before.start.month:02d}"
    return MonthFacts(
        period=period,
        until=until,
        city=await kpi_queries.figures(conn, period, None, until),
        city_previous=await kpi_queries.figures(conn, before, None, before_until),
        backlog=city_backlog[0],
        backlog_overdue=city_backlog[1],
        agencies=[
            AgencyFigures(
                code,
                names.get(code) or code,
                current.get(code, Figures()),
                previous.get(code, Figures()),
                *backlog.get(code, (0, 0)),
            )
            for code in codes
        ],
        late_by_procedure=[
            LateProcedure(
                r["agency_code"], r["ma_tthc"], r["ten_tthc"], int(r["processed"]), int(r["late"])
            )
            for r in await kpi_queries.late_by_procedure(conn, period)
        ],
        coverage=[
            CoverageFigure(
                r["agency_code"], r["eligible"], r["at_center"], r["excluded"], r["as_of"]
            )
            for r in await catalog_store.coverage(conn)
        ],
        tasks=await document_queries.plan_tasks(conn),
        submissions=await document_queries.submissions(conn, previous_key),
        names=names,
        plan_title=await document_queries.plan_title(conn),
    )


# -- DOCX -----------------------------------------------------------------------------------


# WordprocessingML fixes the order of a properties element's children (Word refuses a file
# that breaks it): each element added by hand goes before the ones the schema puts after it.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_AFTER_TBLCELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *_AFTER_TBLCELLMAR)
_AFTER_TBLHEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", *_AFTER_TBLHEADER)


def _font(run: Any, size: float, *, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # Word picks the East Asian font slot for some Vietnamese characters: name it too.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()  # python-docx has no API for the slot
    fonts.set(qn("w:eastAsia"), FONT)
    fonts.set(qn("w:cs"), FONT)


def _para(
    container: Any,
    text: str = "",
    size: float = 14,
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_cm: float = 0.0,
    before: float = 0,
    after: float = 6,
    reuse: Paragraph | None = None,
) -> Paragraph:
    p = reuse if reuse is not None else container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.first_line_indent = Cm(indent_cm) if indent_cm else None
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.0
    if text:
        _font(p.add_run(text), size, bold=bold, italic=italic)
    return p


def _rule(container: Any, width_cm: float, cell_width_cm: float, after: float = 0) -> None:
    """A short centred line (the line under the issuer's name, the motto and the summary)."""
    p = _para(container, "", 2, align=WD_ALIGN_PARAGRAPH.CENTER, before=3, after=after)
    side = max((cell_width_cm - width_cm) / 2, 0)
    p.paragraph_format.left_indent = Cm(side)
    p.paragraph_format.right_indent = Cm(side)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _no_borders(table: Any) -> None:
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.insert_element_before(borders, *_AFTER_TBLBORDERS)


def _cell_margins(table: Any, cm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(cm * 567)))  # twips
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, *_AFTER_TBLCELLMAR)


def _width(cell: _Cell, cm: float) -> None:
    cell.width = Cm(cm)


def _columns(table: Any, widths_cm: list[float]) -> None:
    """Fixed column widths: the grid (LibreOffice reads it) and every cell (Word reads those)."""
    table.autofit = False
    for column, cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(cm)
        for cell in column.cells:
            _width(cell, cm)


def _page_numbers(section: Any) -> None:
    """Centred page numbers in the header, from the second page (Decree 30)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _cell_text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "int" and isinstance(value, int):
        return n(value)
    if kind == "rate" and isinstance(value, float | int):
        return pct(float(value))
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _docx_table(doc: Any, table: Table, text_width_cm: float) -> None:
    _para(doc, table.caption, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=3)
    total_cm = sum(c.width_cm for c in table.columns)
    scale = min(1.0, text_width_cm / total_cm)
    size = 10 if len(table.columns) > 8 else 11
    rows = table.rows + ([table.total] if table.total else [])
    grid = doc.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _columns(grid, [c.width_cm * scale for c in table.columns])
    _cell_margins(grid, 0.1)
    repeat = OxmlElement("w:tblHeader")  # the header row again on each page the table spans
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().insert_element_before(repeat, *_AFTER_TBLHEADER)
    for j, column in enumerate(table.columns):
        cell = grid.cell(0, j)
        _para(
            None,
            column.header,
            size,
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            after=0,
            reuse=cell.paragraphs[0],
        )
    for i, row in enumerate(rows, 1):
        is_total = table.total is not None and i == len(rows)
        for j, column in enumerate(table.columns):
            cell = grid.cell(i, j)
            align = (
                WD_ALIGN_PARAGRAPH.LEFT
                if column.kind == "text"
                else WD_ALIGN_PARAGRAPH.CENTER
                if column.kind == "date"
                else WD_ALIGN_PARAGRAPH.RIGHT
            )
            _para(
                None,
                _cell_text(row[j], column.kind),
                size,
                bold=is_total,
                align=align,
                after=0,
                reuse=cell.paragraphs[0],
            )
    _para(doc, "", 6, after=0)


def render_docx(document: ReportDocument) -> bytes:
    """The report as the office signs it: A4, Times New Roman 14, the letterhead of Decree
    30/2020/NĐ-CP, the sections, and the block of recipients and signature."""
    doc = Document()
    text_width = _page_setup(doc)
    _letterhead(doc, document, text_width)
    _body(doc, document, text_width)
    _signature_block(doc, document, text_width)
    doc.core_properties.title = f"{document.title} {document.summary}"
    doc.core_properties.author = document.letterhead.issuer_name
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_setup(doc: DocxDocument) -> float:
    """A4 portrait with the decree's margins; returns the text width in cm."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    _page_numbers(section)
    return 21 - 3 - 1.5


def _letterhead(doc: DocxDocument, document: ReportDocument, text_width: float) -> None:
    """Issuer left, national name and motto right, number and place-date under them."""
    head = document.letterhead
    left_cm, right_cm = 6.6, text_width - 6.6
    top = doc.add_table(rows=2, cols=2)
    _no_borders(top)
    _columns(top, [left_cm, right_cm])
    left, right = top.cell(0, 0), top.cell(0, 1)
    _para(None, head.parent, 12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, reuse=left.paragraphs[0])
    _para(left, head.issuer, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(left, 2.2, left_cm)
    _para(
        None,
        NATIONAL_NAME,
        12,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
        reuse=right.paragraphs[0],
    )
    _para(right, MOTTO, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(right, 5.6, right_cm)
    _para(
        None,
        document.number_line,
        13,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=4,
        after=0,
        reuse=top.cell(1, 0).paragraphs[0],
    )
    _para(
        None,
        document.place_date_line,
        14,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=4,
        after=0,
        reuse=top.cell(1, 1).paragraphs[0],
    )


def _body(doc: DocxDocument, document: ReportDocument, text_width: float) -> None:
    """Title, summary, recipient line, then each section's paragraphs and tables."""
    _para(doc, document.title, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=18, after=0)
    _para(doc, document.summary, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(doc, 4.0, text_width, after=6)
    _para(doc, document.recipient_line, 14, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=12)

    for number, part in enumerate(document.sections):
        _para(doc, part.heading, 14, bold=True, indent_cm=1, before=6)
        for block in part.blocks:
            if isinstance(block, Table):
                _docx_table(doc, block, text_width)
            elif block.startswith("§"):
                _para(doc, block[1:], 14, bold=True, indent_cm=1)
            else:
                _para(doc, block, 14, indent_cm=1)
        if number == 0:
            _para(doc, f"(Ghi chú: {document.as_of_note})", 12, italic=True, indent_cm=1)
    closing = _para(doc, document.closing, 14, indent_cm=1)
    closing.paragraph_format.keep_with_next = True  # never a signature alone on the last page


def _signature_block(doc: DocxDocument, document: ReportDocument, text_width: float) -> None:
    """Recipients left, the signing authority, position and signer right; never split."""
    head = document.letterhead
    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    _columns(sign, [8.0, text_width - 8.0])
    whole = OxmlElement("w:cantSplit")
    sign.rows[0]._tr.get_or_add_trPr().insert_element_before(whole, *_AFTER_CANTSPLIT)
    left, right = sign.cell(0, 0), sign.cell(0, 1)
    _para(
        None,
        "Nơi nhận:",
        12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        before=6,
        after=0,
        reuse=left.paragraphs[0],
    )
    for line in head.copies_to:
        _para(left, f"- {line}", 11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    signing = document.signing
    first = right.paragraphs[0]
    if signing.authority:
        _para(
            None,
            signing.authority.upper(),
            14,
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=6,
            after=0,
            reuse=first,
        )
        _para(
            right, signing.position.upper(), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0
        )
    else:
        _para(
            None,
            signing.position.upper(),
            14,
            bold=True,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            before=6,
            after=0,
            reuse=first,
        )
    for _ in range(4):
        _para(right, "", 14, after=0)
    _para(right, signing.signer or "", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)


# -- XLSX -----------------------------------------------------------------------------------

_FORMATS = {"int": "#,##0", "rate": "0.0%", "date": "dd/mm/yyyy"}
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _sheet_name(name: str, taken: set[str]) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\, unique."""
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Bảng"
    candidate, i = base, 2
    while candidate in taken:
        candidate = f"{base[:28]} {i}"
        i += 1
    taken.add(candidate)
    return candidate


def render_xlsx(document: ReportDocument) -> bytes:
    """Every table of the document, one sheet each, with real numbers and number formats (Excel
    shows them with the reader's separators: 1.234 and 95,2% in a Vietnamese Excel)."""
    book = Workbook()
    book.remove(book.worksheets[0])
    info = book.create_sheet("Thông tin")
    for r, (label, value) in enumerate(
        (
            ("Báo cáo", f"{document.title} {document.summary}"),
            ("Cơ quan ban hành", f"{document.letterhead.issuer} {document.letterhead.parent}"),
            ("Số, ký hiệu", document.number_line),
            ("Địa danh, ngày tháng", document.place_date_line),
            ("Ghi chú", document.as_of_note),
        ),
        1,
    ):
        info.cell(r, 1, label).font = Font(name=FONT, bold=True)
        info.cell(r, 2, value).font = Font(name=FONT)
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 110
    taken = {info.title}
    for table in document.tables:
        sheet = book.create_sheet(_sheet_name(table.name, taken))
        sheet.cell(1, 1, table.caption).font = Font(name=FONT, bold=True, size=13)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.columns))
        header_row = 3
        for j, column in enumerate(table.columns, 1):
            cell = sheet.cell(header_row, j, column.header)
            cell.font = Font(name=FONT, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.fill = PatternFill("solid", fgColor="DDDDDD")
            cell.border = _BOX
            sheet.column_dimensions[get_column_letter(j)].width = max(8.0, column.width_cm * 5)
        rows = table.rows + ([table.total] if table.total else [])
        for i, row in enumerate(rows, header_row + 1):
            is_total = table.total is not None and i == header_row + len(rows)
            for j, column in enumerate(table.columns, 1):
                cell = sheet.cell(i, j, row[j - 1])
                cell.font = Font(name=FONT, bold=is_total)
                cell.border = _BOX
                if column.kind in _FORMATS:
                    cell.number_format = _FORMATS[column.kind]
                if column.kind == "text":
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def monthly_document(
    conn: Connection, month: str, signing: Signing, now: datetime
) -> ReportDocument:
    period = reportable(month, now)
    return build_report(await month_facts(conn, period, now), signing)
