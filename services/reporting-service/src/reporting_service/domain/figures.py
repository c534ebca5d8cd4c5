"""The figures: what each dossier adds to the daily rollups, and the rates derived from the sums.

A dossier adds to two rows of the rollup: its *received* row (the day of NgayTiepNhan) carries
received, the channel, digitization, reuse, online payment and the final refusals; its
*processed* row (the day of NgayKetThucXuLy, for status 9 or 10) carries processed, on time,
late, result returned and electronic result. Updating a dossier subtracts its old contribution
and adds its new one, so the sums are right whatever order the dossiers arrive in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from reporting_service.domain.read_model import DossierFacts

COUNTS = (
    "received",
    "online",
    "postal",
    "digitized",
    "reused",
    "reused_from_national_db",
    "paid_online",
    "refused",
    "withdrawn",
    "stopped",
    "processed",
    "on_time",
    "late",
    "result_returned",
    "electronic_result",
)
ONLINE, POSTAL = 2, 3
REFUSED, WITHDRAWN, STOPPED, RESULT_RETURNED = 3, 7, 8, 10


@dataclass(frozen=True)
class RollupKey:
    day: date
    agency_code: str
    ma_tthc: str
    ma_linh_vuc: str


def contributions(facts: DossierFacts) -> dict[RollupKey, dict[str, int]]:
    """The counts one dossier adds to the rollup rows, by row."""
    received_key = RollupKey(facts.received_day, facts.agency_code, facts.ma_tthc, facts.field_code)
    rows: dict[RollupKey, dict[str, int]] = {
        received_key: {
            "received": 1,
            "online": int(facts.kenh_thuc_hien == ONLINE),
            "postal": int(facts.kenh_thuc_hien == POSTAL),
            "digitized": int(facts.counted_digitized),
            "reused": int(facts.counted_reused),
            "reused_from_national_db": int(facts.reused_from_national_db),
            "paid_online": int(facts.paid_online),
            "refused": int(facts.trang_thai_ho_so == REFUSED),
            "withdrawn": int(facts.trang_thai_ho_so == WITHDRAWN),
            "stopped": int(facts.trang_thai_ho_so == STOPPED),
        }
    }
    processed_day = facts.processed_day
    if processed_day is not None:
        key = RollupKey(processed_day, facts.agency_code, facts.ma_tthc, facts.field_code)
        on_time = facts.on_time
        row = rows.setdefault(key, {})
        row.update(
            processed=1,
            on_time=int(on_time),
            late=int(not on_time),
            result_returned=int(facts.trang_thai_ho_so == RESULT_RETURNED),
            electronic_result=int(facts.electronic_result),
        )
    return rows


def rollup_delta(
    changes: Sequence[tuple[DossierFacts | None, DossierFacts | None]],
) -> dict[RollupKey, dict[str, int]]:
    """Sum of (new contribution - old contribution) over (old, new) pairs; zero rows dropped."""
    delta: dict[RollupKey, dict[str, int]] = {}
    for old, new in changes:
        for facts, sign in ((old, -1), (new, 1)):
            if facts is None:
                continue
            for key, counts in contributions(facts).items():
                row = delta.setdefault(key, dict.fromkeys(COUNTS, 0))
                for name, value in counts.items():
                    row[name] += sign * value
    return {k: v for k, v in delta.items() if any(v.values())}


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


@dataclass(frozen=True)
class Figures:
    """The figures of one scope (city, agency, procedure or day) for one period."""

    received: int = 0
    processed: int = 0
    on_time: int = 0
    late: int = 0
    in_process: int = 0
    overdue: int = 0
    online: int = 0
    postal: int = 0
    digitized: int = 0
    reused: int = 0
    reused_from_national_db: int = 0
    paid_online: int = 0
    refused: int = 0
    withdrawn: int = 0
    stopped: int = 0
    result_returned: int = 0
    electronic_result: int = 0

    @classmethod
    def from_row(cls, row: Any, **extra: int) -> Figures:
        names = {f.name for f in fields(cls)}
        values = {n: int(row[n] or 0) for n in names if n in row}
        return cls(**{**values, **extra})

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.processed)

    @property
    def online_rate(self) -> float | None:
        return rate(self.online, self.received)

    @property
    def postal_rate(self) -> float | None:
        return rate(self.postal, self.received)

    @property
    def digitized_rate(self) -> float | None:
        return rate(self.digitized, self.received)

    @property
    def reused_rate(self) -> float | None:
        return rate(self.reused, self.received)

    @property
    def reused_from_national_db_rate(self) -> float | None:
        return rate(self.reused_from_national_db, self.received)

    @property
    def paid_online_rate(self) -> float | None:
        return rate(self.paid_online, self.received)

    @property
    def electronic_result_rate(self) -> float | None:
        return rate(self.electronic_result, self.processed)

    def as_dict(self) -> dict[str, Any]:
        counts = {f.name: getattr(self, f.name) for f in fields(self)}
        return {
            **counts,
            "on_time_rate": self.on_time_rate,
            "online_rate": self.online_rate,
            "postal_rate": self.postal_rate,
            "digitized_rate": self.digitized_rate,
            "reused_rate": self.reused_rate,
            "reused_from_national_db_rate": self.reused_from_national_db_rate,
            "paid_online_rate": self.paid_online_rate,
            "electronic_result_rate": self.electronic_result_rate,
        }


def change(current: float | int | None, previous: float | int | None) -> float | int | None:
    """The change from the previous period (None when either side is unknown)."""
    if current is None or previous is None:
        return None
    diff = current - previous
    return round(diff, 4) if isinstance(diff, float) else diff
