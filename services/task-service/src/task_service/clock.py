"""The service's "now": the real time, or a fixed instant for rehearsals and tests (CLOCK_NOW)."""

from __future__ import annotations

from datetime import datetime

from pasc_contracts import now_vn


class Clock:
    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = fixed

    @property
    def fixed(self) -> bool:
        return self._fixed is not None

    def now(self) -> datetime:
        return self._fixed if self._fixed is not None else now_vn()
