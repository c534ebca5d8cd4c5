"""Dossier lifecycles for a simulated month, and the figures they should produce.

Deterministic: the same seed gives the same dossiers, the same syncs and the same figures.
Each dossier is synced several times as it moves (department systems sync periodically, so
some intermediate statuses are skipped), and a few are wrong on purpose.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pasc_contracts.dvcqg import format_dvcqg_date
from pasc_simulator.calendar import (
    add_working_days,
    at,
    is_working_day,
    office_time,
    working_days_of_month,
)
from pasc_simulator.catalog import SimProcedure
from pasc_simulator.people import Applicant, applicant

ONLINE_SHARE = {"toan_trinh": 0.75, "mot_phan": 0.45, "truc_tiep": 0.0}
POSTAL_SHARE = 0.04
BAD_KINDS = ("unknown_procedure", "inconsistent_dates", "other_agency_procedure")
# The figures a simulated month predicts (`Month.expected_figures`), as reporting names them.
FIGURES = (
    "received",
    "processed",
    "on_time",
    "late",
    "online",
    "digitized",
    "in_process",
    "refused",
    "withdrawn",
    "stopped",
)


@dataclass(frozen=True)
class Sync:
    """One DongBoHoSoMC record as a department system would send it at `at`."""

    at: datetime
    agency_code: str
    record: dict[str, Any]
    expect_accepted: bool
    bad_kind: str | None = None


@dataclass
class Outcome:
    """What happened to a dossier by the end of the month, as the figures count it."""

    agency_code: str
    received_at: datetime
    channel: int
    digitized: bool
    status: int
    finished_at: datetime | None = None
    due_in_force: datetime | None = None
    supplements: int = 0

    @property
    def processed(self) -> bool:
        return self.status in (9, 10)

    @property
    def on_time(self) -> bool:
        return (
            self.processed
            and self.supplements <= 1
            and self.finished_at is not None
            and self.due_in_force is not None
            and self.finished_at <= self.due_in_force
        )


@dataclass
class Month:
    syncs: list[Sync] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    bad: Counter[str] = field(default_factory=Counter)

    def expected_figures(self) -> dict[str, dict[str, int]]:
        """Per agency and city-wide: received, processed, on_time, late, online, digitized, in_process."""
        figures: dict[str, Counter[str]] = defaultdict(Counter)
        for outcome in self.outcomes.values():
            for scope in (outcome.agency_code, "city"):
                f = figures[scope]
                f["received"] += 1
                f["online"] += outcome.channel == 2
                f["digitized"] += outcome.digitized
                if outcome.processed:
                    f["processed"] += 1
                    f["on_time" if outcome.on_time else "late"] += 1
                elif outcome.status in (2, 4, 5, 6):
                    f["in_process"] += 1
                f[{3: "refused", 7: "withdrawn", 8: "stopped"}.get(outcome.status, "_")] += 1
        return {scope: {k: c[k] for k in FIGURES} for scope, c in sorted(figures.items())}


def _weights(procedures: list[SimProcedure], rng: random.Random) -> list[float]:
    """Common procedures dominate: Zipf-like weights over a shuffled order."""
    ranks = list(range(1, len(procedures) + 1))
    rng.shuffle(ranks)
    return [1.0 / r**1.1 for r in ranks]


def _due(received: datetime, working_days: int) -> datetime:
    return at(
        add_working_days(received.date(), working_days), office_time(received.date(), 1.0).time()
    )


def _later(moment: datetime, working_days: float, rng: random.Random) -> datetime:
    whole = int(working_days)
    day = add_working_days(moment.date(), whole) if whole else moment.date()
    if not is_working_day(day):
        day = add_working_days(day, 1)
    return max(office_time(day, rng.random()), moment + timedelta(minutes=5))


def simulate_month(
    procedures: list[SimProcedure],
    *,
    dossiers: int,
    year: int,
    month: int,
    seed: int = 2023,
    bad_fraction: float = 0.02,
    prefix: str = "SIM",
) -> Month:
    rng = random.Random(seed)
    weights = _weights(procedures, rng)
    days = working_days_of_month(year, month)
    month_end = at(days[-1], office_time(days[-1], 1.0).time())
    by_agency: dict[str, list[SimProcedure]] = defaultdict(list)
    for p in procedures:
        by_agency[p.agency_code].append(p)
    result = Month()
    for n in range(dossiers):
        procedure = rng.choices(procedures, weights)[0]
        day = rng.choice(days)
        received = office_time(day, rng.random())
        ma_ho_so = f"{prefix}.{procedure.agency_code}-{received:%y%m%d}-{n:07d}"
        person = applicant(rng)
        if rng.random() < bad_fraction:
            result.syncs.append(
                _bad_sync(rng, ma_ho_so, procedure, received, person, by_agency, result)
            )
            continue
        result.syncs.extend(
            _lifecycle(rng, ma_ho_so, procedure, received, month_end, person, result)
        )
    result.syncs.sort(key=lambda s: s.at)
    return result


def _record(
    ma_ho_so: str,
    procedure: SimProcedure,
    received: datetime,
    due: datetime,
    person: Applicant,
    channel: int,
) -> dict[str, Any]:
    return {
        "MaHoSo": ma_ho_so,
        "MaTTHC": procedure.ma_tthc,
        "TenTTHC": procedure.ten_tthc,
        "MaLinhVuc": procedure.ma_linh_vuc,
        "TenLinhVuc": procedure.ten_linh_vuc,
        "KenhThucHien": channel,
        "ChuHoSo": person.name,
        "LoaiDoiTuong": person.kind,
        "SoGiayToChuHoSo": person.id_number,
        "Email": person.email,
        "SoDienThoai": person.phone,
        "TrichYeuHoSo": procedure.ten_tthc,
        "NgayTiepNhan": format_dvcqg_date(received),
        "NgayHenTra": format_dvcqg_date(due),
        "TrangThaiHoSo": 2,
        "DonViXuLy": procedure.agency_code,
        "HinhThuc": 1 if channel == 3 else 0,
    }


def _lifecycle(
    rng: random.Random,
    ma_ho_so: str,
    procedure: SimProcedure,
    received: datetime,
    month_end: datetime,
    person: Applicant,
    result: Month,
) -> list[Sync]:
    online = rng.random() < ONLINE_SHARE.get(procedure.online_level, 0.3)
    channel = 2 if online else (3 if rng.random() < POSTAL_SHARE else 1)
    due = _due(received, procedure.working_days)
    base = _record(ma_ho_so, procedure, received, due, person, channel)
    digitized = rng.random() < 0.85
    documents = [
        {
            "TepDinhKemId": f"{ma_ho_so}-TP1",
            "MaThanhPhanHoSo": "TP1",
            "DuocSoHoa": int(digitized),
            "DuocTaiSuDung": int(rng.random() < 0.2),
        }
    ]
    base["TaiLieuNop"] = documents
    base["DuocThanhToanTrucTuyen"] = int(online and rng.random() < 0.6)
    outcome = Outcome(
        procedure.agency_code, received, channel, digitized, status=2, due_in_force=due
    )
    result.outcomes[ma_ho_so] = outcome
    syncs = [Sync(received, procedure.agency_code, dict(base), True)]

    def sync(moment: datetime, **changes: Any) -> None:
        if moment <= month_end:
            base.update(changes)
            syncs.append(Sync(moment, procedure.agency_code, dict(base), True))
            outcome.status = base["TrangThaiHoSo"]

    roll = rng.random()
    if roll < 0.02:
        sync(_later(received, rng.uniform(0, 2), rng), TrangThaiHoSo=3)
        return syncs
    if roll < 0.03:
        sync(_later(received, rng.uniform(0, 3), rng), TrangThaiHoSo=7)
        return syncs
    started = _later(received, rng.uniform(0, 1), rng)
    if rng.random() < 0.5:
        sync(started, TrangThaiHoSo=4)
    if roll < 0.035:
        sync(_later(started, 1, rng), TrangThaiHoSo=8)
        return syncs
    due_in_force, moment, supplements = due, started, []
    if rng.random() < 0.10:
        count = 2 if rng.random() < 0.15 else 1
        for _ in range(count):
            asked = _later(moment, rng.uniform(0.5, 3), rng)
            new_due = _due(asked, max(3, procedure.working_days // 2))
            supplements.append(
                {
                    "NgayBoSung": format_dvcqg_date(asked),
                    "NoiDungBoSung": "Bổ sung giấy tờ",
                    "NgayHenTraTruoc": format_dvcqg_date(due_in_force),
                    "NgayHenTraMoi": format_dvcqg_date(new_due),
                }
            )
            sync(asked, TrangThaiHoSo=5, DanhSachHoSoBoSung=[dict(s) for s in supplements])
            if asked <= month_end:
                outcome.supplements, outcome.due_in_force = len(supplements), new_due
            answered = _later(asked, rng.uniform(0.5, 4), rng)
            sync(answered, TrangThaiHoSo=4)
            due_in_force, moment = new_due, answered
    if not digitized and rng.random() < 0.3:
        moment = _later(moment, 0.5, rng)
        sync(moment, TaiLieuNop=[{**documents[0], "DuocSoHoa": 1}])
        outcome.digitized = moment <= month_end
    allowed = max(1, (due_in_force.date() - moment.date()).days)
    late = rng.random() < 0.08
    span = rng.uniform(1, 5) + allowed if late else rng.uniform(0.3, 0.95) * allowed
    finished = _later(moment, span * 5 / 7, rng)
    if late and finished <= due_in_force:
        finished = due_in_force + timedelta(days=1, hours=1)
    finish_fields = {"NgayKetThucXuLy": format_dvcqg_date(finished)}
    returned = _later(finished, rng.uniform(0, 2), rng)
    if rng.random() < 0.5:
        sync(finished, TrangThaiHoSo=9, **finish_fields)
    if rng.random() < 0.85:
        sync(
            returned,
            TrangThaiHoSo=10,
            NgayTra=format_dvcqg_date(returned),
            **finish_fields,
            DanhSachGiayToKetQua=[
                {
                    "TenGiayTo": "Kết quả",
                    "DuongDanTepTinKetQua": f"https://dvc.cantho.gov.vn/kq/{ma_ho_so}",
                }
            ],
        )
    if outcome.status in (9, 10):
        outcome.finished_at = finished
    return syncs


def _bad_sync(
    rng: random.Random,
    ma_ho_so: str,
    procedure: SimProcedure,
    received: datetime,
    person: Applicant,
    by_agency: dict[str, list[SimProcedure]],
    result: Month,
) -> Sync:
    kind = rng.choice(BAD_KINDS)
    record = _record(
        ma_ho_so, procedure, received, _due(received, procedure.working_days), person, 1
    )
    if kind == "unknown_procedure":
        record["MaTTHC"] = "9.999999"
    elif kind == "inconsistent_dates":
        record["NgayHenTra"] = format_dvcqg_date(received - timedelta(days=3))
    else:
        others = [a for a in by_agency if a != procedure.agency_code]
        if others:
            record["MaTTHC"] = rng.choice(by_agency[rng.choice(others)]).ma_tthc
        else:
            record["MaTTHC"], kind = "9.999999", "unknown_procedure"
    result.bad[kind] += 1
    return Sync(received, procedure.agency_code, record, False, kind)


def month_of(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


def first_day(year: int, month: int) -> date:
    return date(year, month, 1)
