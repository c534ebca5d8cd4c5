"""The suite's report: a table in the test output and test-artifacts/faults-report.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from faults.checks import Verdict

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults-report.json"
COLUMNS = (
    ("scenario", "scenario"),
    ("sent", "sent"),
    ("accepted", "accepted"),
    ("rejected", "rejected"),
    ("reflected", "reflected"),
    ("duplicates", "dup"),
    ("lost", "lost"),
    ("deliveries", "delivered"),
    ("redelivered", "redeliv."),
    ("dead_letters", "DLQ"),
    ("recovery_s", "recover s"),
)

VERDICTS: list[Verdict] = []


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def table(verdicts: list[Verdict]) -> str:
    rows = [[title for _, title in COLUMNS]]
    rows += [[_cell(getattr(v, key)) for key, _ in COLUMNS] for v in verdicts]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            + " |"
        )
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    notes = []
    for v in verdicts:
        notes.append(f"- {v.scenario} ({v.seconds:.0f} s): recovery = {v.recovery_note}")
        notes += [f"    {note}" for note in v.notes]
        notes += [f"    PROBLEM: {problem}" for problem in v.problems[:15]]
    return "\n".join([*lines, "", *notes])


def write(verdicts: list[Verdict]) -> Path:
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(
        json.dumps([v.as_dict() for v in verdicts], ensure_ascii=False, indent=2, default=str)
    )
    return ARTIFACT
