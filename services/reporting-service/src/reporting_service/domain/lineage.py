"""Figures as the organisation is today: whose series a predecessor's figures belong to.

Every dossier is counted under the agency that held it when it was received ("as the
organisation was"). Seen "as it is today", a renamed or merged agency's figures belong to its
successor, a split agency's figures follow each procedure to the successor that took it (the
catalog names them), through any chain of changes (renamed, then merged). Only the grouping
changes: the city's totals are the same both ways. A closed agency without a successor, and a
split agency's procedures the decision did not hand to anyone, stay under their own code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

ANY_PROCEDURE = ""
MAX_HOPS = 16  # a longer chain is a loop in bad data


@dataclass(frozen=True)
class Succession:
    predecessor: str
    successors: tuple[str, ...]
    effective_from: date


def holder_today(
    agency: str,
    ma_tthc: str | None,
    successions: Mapping[str, Succession],
    moves: Mapping[tuple[str, str], str],
) -> tuple[str, date | None]:
    """The agency holding `agency`'s figures of `ma_tthc` (None: of all its procedures) today,
    and the day the last change on the way took effect (None when nothing changed)."""
    code, since = agency, None
    for _ in range(MAX_HOPS):
        succession = successions.get(code)
        if succession is None or not succession.successors:
            break
        if len(succession.successors) == 1:
            nxt: str | None = succession.successors[0]
        else:
            nxt = moves.get((ma_tthc, code)) if ma_tthc is not None else None
        if nxt is None or nxt == code:
            break
        code = nxt
        since = max(since, succession.effective_from) if since else succession.effective_from
    return code, since


def today_mapping(
    successions: Mapping[str, Succession], moves: Mapping[tuple[str, str], str]
) -> list[tuple[str, str, str, date]]:
    """(agency, ma_tthc or ANY_PROCEDURE, holder today, effective from) for every predecessor:
    one row for all its procedures, and one per procedure that ends elsewhere (a split)."""
    procedures = sorted({m for m, _ in moves})
    rows = []
    for agency in sorted(successions):
        whole, since = holder_today(agency, None, successions, moves)
        if since is not None and whole != agency:
            rows.append((agency, ANY_PROCEDURE, whole, since))
        for ma_tthc in procedures:
            holder, since_p = holder_today(agency, ma_tthc, successions, moves)
            if since_p is not None and holder not in (whole, agency):
                rows.append((agency, ma_tthc, holder, since_p))
    return rows
