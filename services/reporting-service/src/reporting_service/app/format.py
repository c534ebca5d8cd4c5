"""Numbers as Vietnamese officials write them (1.234; 95,2 %), for the report and the dashboard."""

from __future__ import annotations

from datetime import date, datetime

from pasc_contracts import VN_TZ


def number(value: float | int | None, lang: str = "vi") -> str:
    if value is None:
        return "–"
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    if lang == "vi":  # 1.234.567,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def percent(value: float | None, lang: str = "vi") -> str:
    if value is None:
        return "–"
    text = f"{value * 100:.1f} %"
    return text.replace(".", ",") if lang == "vi" else text


def signed(value: float | int | None, *, as_percent: bool = False, lang: str = "vi") -> str:
    """A change from the previous period: +12, −3, +1,5 điểm %."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    if as_percent:
        text = f"{abs(value) * 100:.1f}"
        return f"{sign}{text.replace('.', ',') if lang == 'vi' else text} đ.%"
    return f"{sign}{number(abs(value), lang)}"


def vn_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
