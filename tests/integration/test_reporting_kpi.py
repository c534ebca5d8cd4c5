"""reporting-service's figures end to end on the real broker and database.

A scripted set of dossiers with known outcomes (on time, late, one supplement moving the due
date, two supplements, online/in person/postal, digitized or not, refused, withdrawn, stopped,
in process and overdue) gives exactly the expected figures through the API; again after the
same events are delivered twice and older revisions arrive late; again after
`pasc reporting rebuild` replays the topics into a fresh read model. The scripted dossiers
live in a month of their own (a random month of 1900-1959), so other tests' dossiers on
the shared topic never mix into the figures asserted.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from docx import Document
from openpyxl import load_workbook

from pasc_contracts import Event
from pasc_contracts.events import catalog, dossier, plan
from pasc_contracts.events.kpi import KpiSnapshotPublished
from reporting_service.adapters.read_model_store import rollup_drift
from support import keycloak
from support.kafka import publish, read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration
OFFICE = keycloak.auth("office")  # reads figures, reports and single dossiers

# Vietnam's offset; zoneinfo would give the local mean time (+07:06:30) of those years.
VN_TZ = timezone(timedelta(hours=7))

RUN = uuid.uuid4().hex[:8]
_rng = random.Random()
# Years of their own (the dashboard test takes 1960-1999; reporting refuses months before 1900,
# and the monthly document months that have not started): ~500 months, so runs rarely meet.
YEAR, MONTH = _rng.randint(1900, 1959), _rng.randint(2, 10)
P1, P2, P3 = (f"2.{_rng.randint(0, 999_999):06d}" for _ in range(3))
PLAN_ID = f"test-plan-{RUN}"
FAR_FUTURE = datetime(2099, 1, 1, 17, tzinfo=VN_TZ)


def day(n: int, month_offset: int = 0, hour: int = 9) -> datetime:
    year, month = YEAR, MONTH + month_offset
    if month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 1, hour, tzinfo=VN_TZ) + timedelta(days=n - 1)


class Script:
    """Builds each dossier's events: every change carries the whole snapshot, revision + 1."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def dossier(self, name: str, **facts: Any) -> DossierLife:
        return DossierLife(self, f"RPT-{RUN}-{name}", facts)


class DossierLife:
    def __init__(self, script: Script, ma_ho_so: str, facts: dict[str, Any]) -> None:
        self.script = script
        self.state: dict[str, Any] = {
            "ma_ho_so": ma_ho_so,
            "ma_linh_vuc": "XD",
            "kenh_thuc_hien": 1,
            "trang_thai_ho_so": 2,
            "revision": 0,
            **facts,
        }
        self.state.setdefault("due_at_in_force", self.state["ngay_hen_tra"])
        self.change(dossier.DossierReceived)

    def change(self, event: type[Event], extra: dict[str, Any] | None = None, **facts: Any):
        self.state.update(facts, revision=self.state["revision"] + 1)
        payload = {"dossier": dict(self.state), **(extra or {})}
        self.script.events.append(
            event.model_validate({"producer": "integration-gateway", "payload": payload})
        )
        return self


def scripted() -> Script:
    s = Script()
    # 1 on time, online, digitized, result returned electronically
    s.dossier("ONTIME", ma_tthc=P1, agency_code="SXD", kenh_thuc_hien=2, digitized=True,
              ngay_tiep_nhan=day(2), ngay_hen_tra=day(10, hour=17)).change(
        dossier.DossierStatusChanged, trang_thai_ho_so=4).change(
        dossier.DossierProcessed, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=day(8)).change(
        dossier.DossierResultReturned, trang_thai_ho_so=10, ngay_tra=day(9),
        electronic_result=True)  # fmt: skip
    # 2 late, in person, not digitized
    s.dossier("LATE", ma_tthc=P1, agency_code="SXD", ngay_tiep_nhan=day(3),
              ngay_hen_tra=day(5, hour=17)).change(
        dossier.DossierProcessed, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=day(7))  # fmt: skip
    # 3 one supplement request moves the due date: processed after NgayHenTra, before the new one
    s.dossier("SUPPLEMENT", ma_tthc=P2, agency_code="SXD", kenh_thuc_hien=2, reused_data=True,
              ngay_tiep_nhan=day(4), ngay_hen_tra=day(12, hour=17)).change(
        dossier.DossierSupplementRequested, {"ngay_hen_tra_moi": day(16, hour=17).isoformat()},
        trang_thai_ho_so=5, supplement_count=1, due_at_in_force=day(16, hour=17)).change(
        dossier.DossierSupplementAnswered, trang_thai_ho_so=4).change(
        dossier.DossierDocumentDigitized, digitized=True).change(
        dossier.DossierProcessed, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=day(14))  # fmt: skip
    # 4 two supplement requests: late whatever the dates
    s.dossier("TWO-SUPPLEMENTS", ma_tthc=P3, agency_code="STP", kenh_thuc_hien=2,
              ngay_tiep_nhan=day(5), ngay_hen_tra=day(10, hour=17)).change(
        dossier.DossierSupplementRequested, trang_thai_ho_so=5, supplement_count=1,
        due_at_in_force=day(15, hour=17)).change(
        dossier.DossierSupplementRequested, trang_thai_ho_so=5, supplement_count=2,
        due_at_in_force=day(20, hour=17)).change(
        dossier.DossierProcessed, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=day(12))  # fmt: skip
    # 5 refused, by post; 6 withdrawn; 11 stopped
    s.dossier("REFUSED", ma_tthc=P3, agency_code="STP", kenh_thuc_hien=3,
              ngay_tiep_nhan=day(6), ngay_hen_tra=day(20, hour=17)).change(
        dossier.DossierRefused, trang_thai_ho_so=3)  # fmt: skip
    s.dossier("WITHDRAWN", ma_tthc=P2, agency_code="SXD", ngay_tiep_nhan=day(6),
              ngay_hen_tra=day(20, hour=17)).change(dossier.DossierWithdrawn, trang_thai_ho_so=7)  # fmt: skip
    s.dossier("STOPPED", ma_tthc=P3, agency_code="STP", ngay_tiep_nhan=day(9),
              ngay_hen_tra=day(20, hour=17)).change(dossier.DossierStopped, trang_thai_ho_so=8)  # fmt: skip
    # 7 in process past its due date; 8 in process, due in the future; 12 paid online, overdue
    s.dossier("OPEN-OVERDUE", ma_tthc=P1, agency_code="SXD", ngay_tiep_nhan=day(7),
              ngay_hen_tra=day(9, hour=17)).change(dossier.DossierStatusChanged, trang_thai_ho_so=4)  # fmt: skip
    s.dossier("OPEN-FUTURE", ma_tthc=P3, agency_code="STP", kenh_thuc_hien=2, digitized=True,
              ngay_tiep_nhan=day(8), ngay_hen_tra=FAR_FUTURE)  # fmt: skip
    s.dossier("PAID", ma_tthc=P1, agency_code="SXD", kenh_thuc_hien=2, ngay_tiep_nhan=day(10),
              ngay_hen_tra=day(11, hour=17)).change(
        dossier.DossierUpdated if hasattr(dossier, "DossierUpdated") else dossier.DossierStatusChanged,
        paid_online=True)  # fmt: skip
    # 9 the previous month, processed on time; 10 received then, processed late this month
    s.dossier("PREVIOUS", ma_tthc=P1, agency_code="SXD", kenh_thuc_hien=2,
              ngay_tiep_nhan=day(20, -1), ngay_hen_tra=day(25, -1, hour=17)).change(
        dossier.DossierProcessed, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=day(24, -1))  # fmt: skip
    s.dossier("CROSSING", ma_tthc=P2, agency_code="SXD", ngay_tiep_nhan=day(26, -1),
              ngay_hen_tra=day(28, -1, hour=17)).change(
        dossier.DossierProcessed, trang_thai_ho_so=9, ngay_ket_thuc_xu_ly=day(2, hour=10))  # fmt: skip
    return s


EXPECTED_CITY = {
    "received": 10, "processed": 5, "on_time": 2, "late": 3, "in_process": 3, "overdue": 2,
    "online": 5, "digitized": 3, "on_time_rate": 0.4, "online_rate": 0.5, "digitized_rate": 0.3,
    "postal": 1, "reused": 1, "paid_online": 1, "refused": 1, "withdrawn": 1, "stopped": 1,
    "result_returned": 1, "electronic_result": 1,
}  # fmt: skip
EXPECTED_AGENCIES = {
    "SXD": {"received": 6, "processed": 4, "on_time": 2, "late": 2, "in_process": 2, "overdue": 2},
    "STP": {"received": 4, "processed": 1, "on_time": 0, "late": 1, "in_process": 1, "overdue": 0},
}
EXPECTED_PROCEDURES = {
    P1: {"received": 4, "processed": 2, "on_time": 1, "late": 1},
    P2: {"received": 2, "processed": 2, "on_time": 1, "late": 1},
    P3: {"received": 4, "processed": 1, "on_time": 0, "late": 1},
}
EXPECTED_PREVIOUS = {"received": 2, "processed": 1, "on_time": 1, "late": 0, "online": 1}


def catalog_and_plan_events() -> list[Event]:
    def ev(cls: type[Event], payload: dict[str, Any], producer: str) -> Event:
        return cls.model_validate({"producer": producer, "payload": payload})

    procedures = [
        ev(catalog.ProcedureRegistered, {**catalog.ProcedureRegistered.EXAMPLE_PAYLOAD,
           "ma_tthc": code, "ten_tthc": f"Thủ tục kiểm thử {code}", "agency_code": agency,
           "phi_le_phi": fee}, "catalog-service")
        for code, agency, fee in ((P1, "SXD", "50.000 đồng/hồ sơ"), (P2, "SXD", "Không"),
                                  (P3, "STP", None))
    ]  # fmt: skip
    coverage = [
        ev(catalog.CoverageChanged, {"agency_code": "SXD", "eligible": 80, "at_center": 78,
           "excluded": 2, "as_of": "2099-12-31"}, "catalog-service"),
        ev(catalog.CoverageChanged, {"agency_code": "STP", "eligible": 40, "at_center": 40,
           "excluded": 0, "as_of": "2099-12-31"}, "catalog-service"),
    ]  # fmt: skip
    ref = {"plan_id": PLAN_ID}

    def task(no: int, agency: str) -> dict[str, Any]:
        return {**ref, "task_ref": f"{PLAN_ID}:{no}:{agency}", "task_no": no, "agency_code": agency}

    tasks = [
        ev(plan.TaskRegistered, {**plan.TaskRegistered.EXAMPLE_PAYLOAD, **task(n, a)}, "task-service")
        for n, a in ((1, "SXD"), (2, "SXD"), (1, "STP"))
    ] + [
        ev(plan.TaskDeadlineComputed, {**task(1, "SXD"), "due_on": "2000-01-31", "reason": "fixed"}, "task-service"),
        ev(plan.TaskDeadlineComputed, {**task(2, "SXD"), "due_on": "2000-01-31", "reason": "fixed"}, "task-service"),
        ev(plan.TaskStatusChanged, {**task(2, "SXD"), "status": "done"}, "task-service"),
        ev(plan.TaskProgressReported, {**task(1, "STP"), "percent": 40,
           "reported_at": "2000-01-10T09:00:00+07:00"}, "task-service"),
    ]  # fmt: skip
    return procedures + coverage + tasks


@pytest.fixture(scope="module")
def reporting(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "reporting_service",
        kafka=kafka_bootstrap,
        database_url=database_url,
        extra_env={
            "SNAPSHOT_DEBOUNCE_S": "1",
            "SNAPSHOT_INTERVAL_S": "5",
            "CONSUMER_LAG_INTERVAL_S": "1",
        },
    ) as service:
        yield service


MONTH_START = date(YEAR, MONTH, 1)
MONTH_END = (day(1, 1) - timedelta(days=1)).date()


async def kpi(service: RunningService, **params: str) -> dict[str, Any]:
    query = {"from": MONTH_START.isoformat(), "to": MONTH_END.isoformat(), **params}
    async with httpx.AsyncClient(base_url=service.url, timeout=60, auth=OFFICE) as client:
        response = await client.get("/v1/kpi", params=query)
    assert response.status_code == 200, response.text
    return dict(response.json())


def subset(found: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: found.get(k) for k in expected}


async def wait_for_figures(service: RunningService, timeout: float = 150) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    found: dict[str, Any] = {}
    while time.monotonic() < deadline:
        found = await kpi(service)
        if subset(found, EXPECTED_CITY) == EXPECTED_CITY:
            return found
        await asyncio.sleep(0.5)
    raise AssertionError(f"figures never matched: {subset(found, EXPECTED_CITY)}")


async def assert_all_figures(service: RunningService, database_url: str) -> None:
    report = await wait_for_figures(service)
    agencies = {a["agency_code"]: a for a in report["by_agency"]}
    assert {k: subset(agencies[k], v) for k, v in EXPECTED_AGENCIES.items()} == EXPECTED_AGENCIES
    # Only SXD and STP had dossiers in the month; any other agency is listed for its backlog
    # as of the month's end alone (other runs' open dossiers of earlier months).
    active = {k for k, a in agencies.items() if a["received"] or a["processed"]}
    assert active == set(EXPECTED_AGENCIES)
    procedures = {p["ma_tthc"]: p for p in report["by_procedure"]}
    assert {
        k: subset(procedures[k], v) for k, v in EXPECTED_PROCEDURES.items()
    } == EXPECTED_PROCEDURES
    assert procedures[P1]["ten_tthc"] == f"Thủ tục kiểm thử {P1}"
    daily = {d["day"]: d for d in report["daily"]}
    assert len(daily) == MONTH_END.day
    assert sum(d["received"] for d in daily.values()) == 10
    assert (
        daily[day(2).date().isoformat()]["received"],
        daily[day(2).date().isoformat()]["processed"],
    ) == (1, 1)
    assert daily[day(14).date().isoformat()]["on_time"] == 1
    sxd = await kpi(service, agency="SXD")
    assert subset(sxd, EXPECTED_AGENCIES["SXD"]) == EXPECTED_AGENCIES["SXD"]
    previous = await kpi(
        service,
        **{
            "from": day(1, -1).date().isoformat(),
            "to": (MONTH_START - timedelta(days=1)).isoformat(),
        },
    )
    assert subset(previous, EXPECTED_PREVIOUS) == EXPECTED_PREVIOUS
    score = {g["code"]: g for g in report["score"]["groups"]}
    # Timeliness counts the processed on time and the backlog within time as of the month's end
    # (the backlog is every dossier then in process, whenever received).
    backlog = report["backlog"]
    within = backlog["in_process"] - backlog["overdue"]
    assert score["tien_do_giai_quyet"]["points"] == round(
        20 * (2 + within) / (5 + backlog["in_process"]), 2
    )
    online = {i["code"]: i for i in score["dich_vu_truc_tuyen"]["indicators"]}
    assert online["ho_so_truc_tuyen"]["points"] == 3.0  # 6 × 5 online / 10 (all offered online)
    payment = {i["code"]: i for i in score["thanh_toan_truc_tuyen"]["indicators"]}
    assert (payment["ho_so_tttt"]["numerator"], payment["ho_so_tttt"]["denominator"]) == (1, 4)
    assert payment["ho_so_tttt"]["points"] == 1.25  # 5 × 1 paid online / 4 of the fee-bearing P1
    assert payment["tthc_phat_sinh_tttt"]["points"] == 5.0  # P1 has a dossier paid online
    assert score["muc_do_hai_long"]["points"] == 2.4  # 6 × 2 on time / 5 processed
    assert score["muc_do_hai_long"]["complete"] is False  # the survey and complaints are outside
    assert score["cong_khai_minh_bach"]["supported"] is False
    assert report["score"]["max_points"] == 100 and report["score"]["band"] is None
    conn = await asyncpg.connect(database_url, server_settings={"search_path": service.schema})
    try:
        assert await rollup_drift(conn) == 0  # the incremental rollups equal a recomputation
    finally:
        await conn.close()  # fmt: skip


async def test_scripted_dossiers_give_the_expected_figures(
    reporting: RunningService, kafka_bootstrap: str, database_url: str
) -> None:
    script = scripted()
    await publish(kafka_bootstrap, catalog_and_plan_events() + script.events)
    await assert_all_figures(reporting, database_url)

    # Delivered twice (same event ids), and every revision again under new ids in reverse
    # order (a replaying producer): the figures do not move.
    replayed = [e.model_copy(update={"event_id": uuid.uuid4()}) for e in reversed(script.events)]
    await publish(kafka_bootstrap, script.events + replayed)
    marker = Script().dossier("MARKER", ma_tthc=P1, agency_code="SXD", ngay_tiep_nhan=day(1, 1),
                                ngay_hen_tra=day(2, 1, hour=17))  # fmt: skip
    await publish(kafka_bootstrap, marker.script.events)
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        deadline = time.monotonic() + 150
        while (await client.get(f"/v1/dossiers/{marker.state['ma_ho_so']}")).status_code != 200:
            assert time.monotonic() < deadline, "the marker dossier never arrived"
            await asyncio.sleep(0.3)
        state = (await client.get(f"/v1/dossiers/RPT-{RUN}-SUPPLEMENT")).json()
    assert state["revision"] == 5
    assert state["events_applied"] == 10  # 5 events + the 5 re-sent under new ids; duplicates none
    await assert_all_figures(reporting, database_url)


async def test_a_past_month_is_as_of_its_last_day(reporting: RunningService) -> None:
    """The previous month's overdue figure is the hand count as of its last day: CROSSING
    (received on the 26th, due the 28th, processed on the 2nd of this month) was in process and
    overdue then; PREVIOUS was processed on the 24th. Today's date plays no part."""
    await wait_for_figures(reporting)
    before = {
        "from": day(1, -1).date().isoformat(),
        "to": (MONTH_START - timedelta(days=1)).isoformat(),
    }
    previous = await kpi(reporting, **before)
    assert (previous["in_process"], previous["overdue"]) == (1, 1)
    assert previous["as_of"].startswith(before["to"] + "T23:59:59")
    # As of the 27th CROSSING was in process and not yet due.
    early = await kpi(reporting, **before, as_of=day(27, -1).date().isoformat())
    assert (early["in_process"], early["overdue"]) == (1, 0)
    # This month as of the 10th: SUPPLEMENT, TWO-SUPPLEMENTS (processed later), OPEN-OVERDUE
    # (due the 9th), OPEN-FUTURE and PAID (received the 10th, due the 11th) were in process.
    tenth = await kpi(reporting, to=day(10).date().isoformat())
    assert (tenth["in_process"], tenth["overdue"]) == (5, 1)
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        listed = await client.get(
            "/v1/overdue",
            params={"agency": "SXD", "as_of": day(10).date().isoformat(), "limit": "1000"},
        )
    ours = [d for d in listed.json()["dossiers"] if d["ma_ho_so"].startswith(f"RPT-{RUN}-")]
    assert [d["ma_ho_so"] for d in ours] == [f"RPT-{RUN}-OPEN-OVERDUE"]


async def test_outside_figures_are_entered_with_who_and_why_and_kept(
    reporting: RunningService,
) -> None:
    await wait_for_figures(reporting)
    period = {"from": MONTH_START.isoformat(), "to": MONTH_END.isoformat()}
    figure = {**period, "indicator": "hai_long_danh_gia", "agency": "SXD", "numerator": 45,
              "denominator": 50, "source": "Khảo sát tháng", "entered_by": "Văn phòng UBND",
              "reason": "Kết quả khảo sát mức độ hài lòng"}  # fmt: skip
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        first = await client.post("/v1/index766/inputs", json=figure)
        second = await client.post("/v1/index766/inputs", json={**figure, "numerator": 40,
                                   "reason": "Sửa số liệu khảo sát"})  # fmt: skip
        bad = {
            "indicator": {**figure, "indicator": "dung_han"},
            "numerator": {**figure, "numerator": 60},
            "agency": {**figure, "agency": "NOPE"},
            "source": {**figure, "source": ""},
            "extra": {**figure, "extra": 1},
        }
        refused = {k: await client.post("/v1/index766/inputs", json=v) for k, v in bad.items()}
        index = (await client.get("/v1/index766", params={**period, "agency": "SXD"})).json()
        city = (await client.get("/v1/index766", params=period)).json()
        trail = (
            await client.get(
                "/v1/index766/inputs", params={"agency": "SXD", "indicator": "hai_long_danh_gia"}
            )
        ).json()["inputs"]
    assert first.status_code == second.status_code == 201, first.text
    codes = {
        "indicator": "indicator_from_data",
        "numerator": "numerator_above_denominator",
        "agency": "unknown_agency",
        "source": "invalid_field",
        "extra": "invalid_field",
    }
    for field, response in refused.items():
        assert response.status_code == 422, (field, response.text)
        assert (response.json()["code"], response.json()["field"]) == (codes[field], field)
    assert (
        refused["indicator"]
        .json()["message"]
        .startswith(
            "Chỉ tiêu 'dung_han' được tính từ dữ liệu hồ sơ, không nhập tay; chỉ nhập được: "
        )
    )
    assert refused["numerator"].json()["message"] == "Tử số lớn hơn mẫu số."
    assert refused["agency"].json()["message"] == "Mã cơ quan không có."
    assert refused["source"].json()["message"] == "source: phải có ít nhất 3 ký tự"
    survey = next(
        i for g in index["groups"] for i in g["indicators"] if i["code"] == "hai_long_danh_gia"
    )
    assert survey["points"] == 4.8  # 6 × 40/50: the correction, the latest entry, is used
    assert survey["outside"]["entered_by"] == "Văn phòng UBND"
    assert survey["outside"]["reason"] == "Sửa số liệu khảo sát"
    ids = [r["id"] for r in trail]
    assert first.json()["id"] in ids and second.json()["id"] in ids  # both kept
    assert {a["agency_code"] for a in city["by_agency"]} >= {"SXD", "STP"}
    assert all(a["points"] is not None for a in city["by_agency"] if a["agency_code"] == "SXD")


async def test_rebuild_replays_into_a_fresh_read_model_with_the_same_figures(
    reporting: RunningService, database_url: str, kafka_bootstrap: str
) -> None:
    await wait_for_figures(reporting)
    conn = await asyncpg.connect(database_url, server_settings={"search_path": reporting.schema})
    try:  # damage the read model: only a replay from the topics can put it right
        await conn.execute(
            "UPDATE kpi_daily SET received = received + 100 WHERE day = $1", day(2).date()
        )
        await conn.execute("DELETE FROM dossiers WHERE ma_ho_so = $1", f"RPT-{RUN}-LATE")
        await conn.execute("DELETE FROM coverage")
    finally:
        await conn.close()  # fmt: skip
    assert (await kpi(reporting))["received"] > 100

    pasc = Path(sys.executable).parent / "pasc"
    env = {**os.environ, "DB_SCHEMA": reporting.schema, "SERVICE_NAME": reporting.name,
           "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap, "DATABASE_URL": database_url}  # fmt: skip
    done = await asyncio.to_thread(
        subprocess.run, [str(pasc), "reporting", "rebuild"], env=env, capture_output=True,
        text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dossier.lifecycle.v1" in done.stdout, done.stdout + done.stderr

    await assert_all_figures(reporting, database_url)
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        coverage = (await client.get("/v1/coverage", params={"agency": "SXD"})).json()
    assert (coverage["eligible"], coverage["at_center"]) == (80, 78)


async def test_plan_progress_coverage_and_monthly_report(reporting: RunningService) -> None:
    await wait_for_figures(reporting)
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        progress = (await client.get("/v1/plan", params={"plan_id": PLAN_ID})).json()
        html = await client.get(f"/v1/reports/monthly/{YEAR}-{MONTH:02d}.html")
        table = await client.get(f"/v1/reports/monthly/{YEAR}-{MONTH:02d}/agencies.csv")
        late = await client.get(f"/v1/reports/monthly/{YEAR}-{MONTH:02d}/late_by_procedure.csv")
    by_agency = {p["agency_code"]: p for p in progress["by_agency"]}
    assert (by_agency["SXD"]["tasks"], by_agency["SXD"]["done"], by_agency["SXD"]["overdue"]) == (
        2,
        1,
        1,
    )
    assert (by_agency["STP"]["tasks"], by_agency["STP"]["average_percent"]) == (1, 40.0)

    assert html.status_code == 200
    assert f"THÁNG {MONTH:02d}/{YEAR}" in html.text and "Sở Xây dựng" in html.text
    assert f"Thủ tục kiểm thử {P1}" in html.text  # late by procedure, named from the catalog
    rows = {r["Mã cơ quan"]: r for r in csv.DictReader(io.StringIO(table.text.lstrip("\ufeff")))}
    assert (
        rows["SXD"]["Tiếp nhận"],
        rows["SXD"]["Tiếp nhận tháng trước"],
        rows["SXD"]["Chênh lệch tiếp nhận"],
    ) == ("6", "2", "4")
    assert rows["SXD"]["Tỷ lệ đúng hạn"] == "0.5"
    assert len(rows) >= 20  # every department and board is listed, zero or not
    late_rows = list(csv.DictReader(io.StringIO(late.text.lstrip("\ufeff"))))
    assert {(r["Mã TTHC"], r["Quá hạn"]) for r in late_rows} == {(P1, "1"), (P2, "1"), (P3, "1")}  # fmt: skip


async def test_bad_input_is_refused_naming_the_field(reporting: RunningService) -> None:
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        # Refused by the request's validation (field "query.<name>") or by the period's and
        # agency's own checks (the field's name, a code of their own).
        cases = {
            "/v1/kpi?from=2023-13-01": ("invalid_field", "query.from"),
            "/v1/kpi?from=2023-05-01&to=2023-04-01": ("period_reversed", "from"),
            "/v1/kpi?from=2000-01-01&to=2023-04-01": ("period_too_long", "to"),
            "/v1/kpi?agency=NOPE": ("unknown_agency", "agency"),
            "/v1/kpi?from=2023-05-01&to=2023-05-31&as_of=2023-04-30": (
                "as_of_before_period",
                "as_of",
            ),
            "/v1/kpi?as_of=2023-02-30": ("invalid_field", "query.as_of"),
            "/v1/overdue?as_of=yesterday": ("invalid_field", "query.as_of"),
            "/v1/overdue?limit=0": ("invalid_field", "query.limit"),
            "/dashboard?lang=fr": ("invalid_field", "query.lang"),
        }
        for path, (code, field) in cases.items():
            response = await client.get(path)
            assert response.status_code == 422, path
            body = response.json()
            assert (body["error_code"], body["code"], body["field"]) == ("422", code, field), path
        reversed_period = await client.get("/v1/kpi?from=2023-05-01&to=2023-04-01")
        assert reversed_period.json()["message"] == (
            "ngày bắt đầu 01/05/2023 sau ngày kết thúc 01/04/2023"
        )
        assert (await client.get("/v1/reports/monthly/2023-13.html")).status_code == 422
        assert (await client.get("/v1/reports/monthly/1320-06.html")).status_code == 422
        missing = await client.get("/v1/reports/monthly/2023-04/nope.csv")
        assert missing.status_code == 404
        assert missing.json() == {
            "error_code": "404",
            "code": "report_table_not_found",
            "message": "báo cáo tháng không có bảng 'nope'; các bảng: "
            "agencies, late_by_procedure, coverage, plan",
            "field": "table",
        }


async def test_cioc_snapshots_and_prometheus_metrics(
    reporting: RunningService, kafka_bootstrap: str
) -> None:
    await wait_for_figures(reporting)
    snapshots = []
    for scope in ("city", "SXD"):  # one of each: every round stages the city and each agency
        snapshots += await read_until(
            kafka_bootstrap,
            "kpi.snapshots.v1",
            lambda v, scope=scope: (
                v.get("producer") == reporting.name and v["payload"]["scope"] == scope
            ),
            want=1,
            timeout=60,
        )
    scopes = {s["payload"]["scope"] for s in snapshots}
    assert scopes == {"city", "SXD"}
    for snapshot in snapshots:
        parsed = KpiSnapshotPublished.model_validate(snapshot)
        assert parsed.payload.figures.received >= 0
        assert parsed.payload.period_from == parsed.payload.period_to.replace(
            day=1
        )  # month to date
        assert parsed.payload.score is not None and len(parsed.payload.score.groups) == 6
        assert parsed.payload.backlog_in_process is not None

    deadline = time.monotonic() + 20
    needed = (
        'pasc_consumer_lag{group="' + reporting.group_for("dossier.lifecycle.v1") + '",partition="0",topic="dossier.lifecycle.v1"}',
        'pasc_kpi_received_dossiers{agency="SXD"}',
        "pasc_kpi_city_on_time_ratio",
        'pasc_reporting_dossier_snapshots_total{outcome="applied"}',
        'pasc_reporting_query_duration_seconds_bucket{le="0.1",query="kpi"}',
        'pasc_reporting_kpi_snapshots_published_total{reason=',
        'pasc_reporting_event_delay_seconds_count{topic="dossier.lifecycle.v1"}',
    )  # fmt: skip
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        while True:
            metrics = (await client.get("/metrics")).text
            missing = [m for m in needed if m not in metrics]
            if not missing:
                break
            assert time.monotonic() < deadline, f"metrics missing: {missing}"
            await asyncio.sleep(0.5)
    lag = [line for line in metrics.splitlines() if line.startswith("pasc_consumer_lag{")]
    assert all(float(line.rsplit(" ", 1)[1]) >= 0 for line in lag)


async def test_the_monthly_report_as_a_signed_docx_and_an_xlsx(reporting: RunningService) -> None:
    await wait_for_figures(reporting)
    month = f"{YEAR}-{MONTH:02d}"
    signed_on = MONTH_END + timedelta(days=5)
    params = {"so": "47", "ngay": signed_on.isoformat(), "nguoi_ky": "Trần Thị Bình",
              "chuc_vu": "PHÓ CHÁNH VĂN PHÒNG", "tham_quyen": "KT. CHÁNH VĂN PHÒNG"}  # fmt: skip
    async with httpx.AsyncClient(base_url=reporting.url, timeout=60, auth=OFFICE) as client:
        docx = await client.get(f"/v1/reports/monthly/{month}.docx", params=params)
        xlsx = await client.get(f"/v1/reports/monthly/{month}.xlsx", params={"so": "47"})
        refused = await client.get(
            f"/v1/reports/monthly/{month}.docx", params={"ngay": MONTH_START.isoformat()}
        )
    assert docx.status_code == 200, docx.text
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    lines = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    document = Document(io.BytesIO(docx.content))
    cells = [
        p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ]
    text = lines + cells
    assert "Số: 47/BC-VPUBND" in text
    month_text = f"{signed_on.month:02d}" if signed_on.month < 3 else str(signed_on.month)
    assert f"Cần Thơ, ngày {signed_on.day:02d} tháng {month_text} năm {signed_on.year}" in text
    assert "KT. CHÁNH VĂN PHÒNG" in text and "Trần Thị Bình" in text
    for heading in ("I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THEO NHIỆM VỤ VÀ CƠ QUAN",
                    "III. TIẾN ĐỘ CÁC MỤC TIÊU CỦA KẾ HOẠCH", "IV. ĐÁNH GIÁ CHUNG",
                    "V. NHIỆM VỤ THÁNG TỚI"):  # fmt: skip
        assert heading in lines
    # The scripted month: 10 received, 5 processed (2 on time, 3 late).
    assert any("tiếp nhận 10 hồ sơ" in line for line in lines)
    assert any(
        "Đã giải quyết 5 hồ sơ: đúng hạn 2 hồ sơ (40,0%), quá hạn 3" in line for line in lines
    )
    agencies = next(
        t for t in document.tables if t.cell(0, 1).text == "Cơ quan" and len(t.columns) == 11
    )
    sxd = next(r for r in agencies.rows if r.cells[1].text == "Sở Xây dựng")
    received, processed, on_time, late = (sxd.cells[i].text for i in (2, 4, 5, 6))
    assert (received, processed, on_time, late) == ("6", "4", "2", "2")

    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Theo cơ quan"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["Sở Xây dựng"][2] == 6 and rows["Sở Xây dựng"][7] == 0.5
    assert rows["Toàn thành phố"][2] == 10
    assert sheet.cell(4, 8).number_format == "0.0%"

    assert refused.status_code == 422
    assert (refused.json()["code"], refused.json()["field"]) == ("signing_invalid", "ngay")
    assert refused.json()["message"].startswith(f"báo cáo tháng {MONTH:02d}/{YEAR} ký từ ngày ")
