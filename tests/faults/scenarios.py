"""Running a scenario: a simulated month sent through the platform while a fault is injected.

Each scenario has its own month (2024-01, 2024-02, ...: the gateway refuses dates in the future) and MaHoSo prefix, so its figures are
its own; the probe runs beside it and gives the recovery time. Its traffic is what department
systems really send: DongBoHoSoMC records whose free text (TrichYeuHoSo) names the applicant,
and CapNhatTienDoHoSoMC processing steps whose NoiDungXuLy holds Vietnamese personal data
(name, CCCD, phone, e-mail, address), each counted like any other record.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx

from faults.checks import Ledger, NotCaughtUp, Scenario, Verdict, judge, wait_caught_up
from faults.platform import Platform
from faults.probe import Probe
from faults.traffic import Step, Traffic
from pasc_simulator.lifecycle import Month, simulate_month

SEED = 8_2032
DOSSIERS = 1200  # about 3,200 DVCQG records a scenario
RATE = 120.0  # records per second: the stream lasts about half a minute
KAFKA_AGENCIES = frozenset({"STP", "SLDTBXH"})  # these departments publish to the Kafka ingress
PROBE_AGENCY = "VPUBND"
FIRST_YEAR = 2024  # scenario n sends month n of 2024 (13 and on: 2025); the probe, 2023-01
STEPS_EVERY = 8  # every 8th dossier gets two processing steps

Fault = Callable[[Scenario], Awaitable[None]]


async def until(condition: Callable[[], bool], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(0.1)


def progress(s: Scenario, share: float) -> Callable[[], bool]:
    return lambda: s.traffic.handled >= share * s.traffic.total


async def run_scenario(
    p: Platform, ledger: Ledger, name: str, number: int, fault: Fault, rate: float = RATE
) -> Verdict:
    started = time.monotonic()
    year, month_no = FIRST_YEAR + (number - 1) // 12, (number - 1) % 12 + 1
    prefix = f"F{number:02d}"
    month = simulate_month(
        p.procedures,
        dossiers=DOSSIERS,
        year=year,
        month=month_no,
        seed=SEED + number,
        prefix=prefix,
    )
    traffic = Traffic(
        month.syncs,
        steps=with_personal_text(month),
        gateway_url=p.gateway.url,
        keys=p.keys,
        kafka_bootstrap=p.cluster.bootstrap,
        kafka_agencies=KAFKA_AGENCIES,
        rate=rate,
    )
    scenario = Scenario(name, month, year, month_no, prefix, traffic)
    probe = Probe(
        p.gateway.url,
        p.reporting.url,
        p.keys[PROBE_AGENCY],
        next(x for x in p.procedures if x.agency_code == PROBE_AGENCY),
        run_id=prefix,
    )
    stop = asyncio.Event()
    probing = asyncio.create_task(probe.run(stop))
    sending = asyncio.create_task(traffic.run())
    late: NotCaughtUp | None = None
    try:
        await fault(scenario)
        await sending
        try:
            await wait_caught_up(p, scenario)
        except NotCaughtUp as exc:
            late = exc  # judged all the same, so the report counts what is missing
    finally:
        stop.set()
        await probing
        sending.cancel()
    if scenario.recovery_s is None:
        scenario.recovery_s = probe.worst_delay(scenario.fault_at, scenario.healed_at)
        scenario.recovery_note = scenario.recovery_note or (
            "longest delay from a department's POST to reporting, for the probes sent from the "
            "fault until it was repaired"
        )
    verdict = await judge(p, scenario, ledger, started)
    verdict.problems += await probe_problems(p, probe)
    if late is not None:
        verdict.problems.insert(0, str(late))  # the run fails: settle() wants no problems
    return verdict


def with_personal_text(month: Month) -> list[Step]:
    """Puts the applicant's name, phone and address in each record's TrichYeuHoSo (free text
    the gateway must not pass on), and returns two CapNhatTienDoHoSoMC steps for every
    STEPS_EVERY-th dossier, their NoiDungXuLy full of the applicant's personal data."""
    firsts: dict[str, dict[str, object]] = {}
    for sync in month.syncs:
        if not sync.expect_accepted:
            continue
        r = sync.record
        r["TrichYeuHoSo"] = (
            f"{r['TenTTHC']} – ông/bà {r['ChuHoSo']}, SĐT {r['SoDienThoai']}, "
            "số 12 đường 30 Tháng 4, phường Xuân Khánh, quận Ninh Kiều"
        )
        firsts.setdefault(str(r["MaHoSo"]), {**r, "agency": sync.agency_code})
    steps = []
    for n, (ma, r) in enumerate(firsts.items()):
        if n % STEPS_EVERY:
            continue
        common = {"MaHoSo": ma, "ThoiDiemXuLy": r["NgayTiepNhan"], "ChucDanh": "Chuyên viên"}
        steps += [
            Step(
                str(r["agency"]),
                {
                    **common,
                    "NguoiXuLy": "Trần Thị Mỹ Duyên",
                    "PhongBanXuLy": "Bộ phận Một cửa – Trung tâm Phục vụ hành chính công",
                    "NoiDungXuLy": (
                        f"Tiếp nhận hồ sơ của ông/bà {r['ChuHoSo']}, CCCD {r['SoGiayToChuHoSo']},"
                        f" SĐT {r['SoDienThoai']}, thư điện tử {r['Email']}"
                    ),
                    "TrangThai": "Đã tiếp nhận",
                },
            ),
            Step(
                str(r["agency"]),
                {
                    **common,
                    "NguoiXuLy": "Lê Hoàng Phúc",
                    "PhongBanXuLy": "Phòng chuyên môn",
                    "NoiDungXuLy": (
                        f"Đã gọi {r['ChuHoSo']} qua số {r['SoDienThoai']}, hẹn bổ sung giấy tờ tại"
                        " số 12 đường 30 Tháng 4, phường Xuân Khánh, quận Ninh Kiều, Cần Thơ"
                    ),
                    "TrangThai": "Đang xử lý",
                },
            ),
        ]
    return steps


async def open_transaction(p: Platform, schema: str, timeout: float = 30) -> str:
    """Waits until a service (its pool's connections are named after its schema) is inside a
    database transaction, a consumer batch or a request; returns that statement's start."""
    deadline = time.monotonic() + timeout
    async with p.db() as conn:
        while time.monotonic() < deadline:
            query = await conn.fetchval(
                "SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity"
                " WHERE application_name = $1 AND xact_start IS NOT NULL AND state <> 'idle'"
                " LIMIT 1",
                schema,
            )
            if query:
                return str(query)
            await asyncio.sleep(0.002)
    raise TimeoutError(f"{schema}: no transaction seen in {timeout}s")


async def counter(url: str, name: str) -> int:
    """The sum of a Prometheus counter over its labels, from a service's /metrics (0 if down)."""
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            text = (await client.get(f"{url}/metrics")).text
    except httpx.HTTPError:
        return 0
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith(name + "{")
        )
    )


async def probe_problems(p: Platform, probe: Probe) -> list[str]:
    """The probes are records too: each accepted one reflected exactly once."""
    rows = await p.query(
        f"SELECT ma_ho_so, events_applied FROM {p.reporting.schema}.dossiers"
        " WHERE ma_ho_so = ANY($1::text[])",
        [s.ma_ho_so for s in probe.samples if s.accepted_at is not None],
    )
    applied = {r["ma_ho_so"]: r["events_applied"] for r in rows}
    problems = []
    for sample in probe.samples:
        if sample.accepted_at is None:
            continue
        if applied.get(sample.ma_ho_so) != 1:
            problems.append(f"probe {sample.ma_ho_so}: {applied.get(sample.ma_ho_so)} events")
    return problems
