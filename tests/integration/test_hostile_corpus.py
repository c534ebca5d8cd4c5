"""An adversarial corpus against the four services' HTTP APIs and the Kafka ingress.

Each case names what it sends, the status it must get and a word of the reason. Nothing may
answer 500, and a good record sent beside a bad one must be accepted. Real processes, the real
broker and database.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from integration_gateway.domain.identity import sign
from support import keycloak
from support.catalog import procedure, teach_gateway
from support.kafka import read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

NUL, BIDI, SURROGATE = "\x00", "\u202e", "\ud800"


@dataclass(frozen=True)
class Call:
    """One hostile HTTP request and what it must get."""

    case: str
    service: str
    method: str
    path: str
    status: int
    reason: str = ""  # a word the answer must contain ("" : any)
    params: dict[str, str] | None = None
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    keyed: bool = True  # send the department's API key (gateway)
    # Sent over a raw socket: bytes HTTP clients refuse to send (a Content-Length the body does
    # not have, non-ASCII header values).
    lying: bool = False


def path_cases(service: str, paths: list[str]) -> list[Call]:
    """Hostile bytes in the path and the query string of each path: 400 before any route."""
    cases = []
    for path in paths:
        for label, bad in (
            ("NUL", "%00"),
            ("escape", "%1B%5B31m"),
            ("bad UTF-8", "%FF%FE"),
            ("bidi", "%E2%80%AE"),
            ("surrogate", "%ED%A0%80"),
        ):
            cases.append(Call(f"{service} {path} path {label}", service, "GET", path + bad, 400))
        cases.append(
            Call(
                f"{service} {path} query NUL",
                service,
                "GET",
                path + "?q=a%00b&agency=X%00",
                400,
                "ký tự",
            )
        )
        cases.append(
            Call(f"{service} {path} query too long", service, "GET", path + "?q=" + "a" * 9000, 400)
        )
    return cases


OTHER_SERVICES: list[Call] = [
    *path_cases("catalog", ["/v1/procedures/1.001234", "/v1/public/procedures"]),
    *path_cases("task", ["/v1/plans/p1", "/v1/plans/p1/tasks/1"]),
    *path_cases("reporting", ["/v1/dossiers/X-1", "/v1/kpi"]),
    Call("catalog limit 0", "catalog", "GET", "/v1/public/procedures", 422, params={"limit": "0"}),
    Call(
        "catalog limit huge",
        "catalog",
        "GET",
        "/v1/public/procedures",
        422,
        params={"limit": "10000"},
    ),
    Call(
        "catalog offset negative",
        "catalog",
        "GET",
        "/v1/public/procedures",
        422,
        params={"offset": "-1"},
    ),
    Call(
        "catalog offset 10^30",
        "catalog",
        "GET",
        "/v1/public/procedures",
        400,
        params={"offset": "1" + "0" * 30},
    ),
    Call("catalog proposal id 10^30", "catalog", "GET", "/v1/proposals/" + "9" * 31, 400),
    Call("catalog proposal id text", "catalog", "GET", "/v1/proposals/abc", 422),
    Call(
        "catalog import not CSV",
        "catalog",
        "POST",
        "/v1/imports",
        400,
        params={"recorded_by": "x"},
        raw=b"\x00\x01\x02",
        headers={"content-type": "text/csv"},
    ),
    Call(
        "catalog import declared too large",
        "catalog",
        "POST",
        "/v1/imports",
        413,
        params={"recorded_by": "x"},
        raw=b"a",
        headers={"content-type": "text/csv", "content-length": str(10**9)},
        lying=True,
    ),
    Call(
        "task month year 0",
        "task",
        "GET",
        "/v1/plans/p1/reports/monthly",
        422,
        params={"month": "0000-01"},
    ),
    Call(
        "task month 13",
        "task",
        "GET",
        "/v1/plans/p1/reports/monthly",
        422,
        params={"month": "2023-13"},
    ),
    Call(
        "task month text",
        "task",
        "GET",
        "/v1/plans/p1/reports/monthly",
        422,
        params={"month": "may"},
    ),
    Call("task number 10^30", "task", "GET", "/v1/plans/p1/tasks/" + "1" + "0" * 30, 404),
    Call("task number text", "task", "GET", "/v1/plans/p1/tasks/one", 422),
    Call(
        "task progress body not JSON",
        "task",
        "POST",
        "/v1/plans/p1/tasks/1/assignments/SXD/progress",
        422,
        raw=b"{",
        headers={"content-type": "application/json"},
    ),
    Call(
        "task tick naive time",
        "task",
        "POST",
        "/v1/admin/tick",
        403,
        params={"now": "2023-04-20T08:00:00"},
    ),
    Call(
        "reporting from month 13", "reporting", "GET", "/v1/kpi", 422, params={"from": "2023-13-01"}
    ),
    Call(
        "reporting from year 0", "reporting", "GET", "/v1/kpi", 422, params={"from": "0000-01-01"}
    ),
    Call(
        "reporting range reversed",
        "reporting",
        "GET",
        "/v1/kpi",
        422,
        params={"from": "2023-05-01", "to": "2023-04-01"},
    ),
    Call("reporting unknown agency", "reporting", "GET", "/v1/kpi", 422, params={"agency": "NOPE"}),
    Call("reporting limit 0", "reporting", "GET", "/v1/overdue", 422, params={"limit": "0"}),
    Call(
        "reporting report month year 0", "reporting", "GET", "/v1/reports/monthly/0000-01.html", 422
    ),
    Call("reporting report month 13", "reporting", "GET", "/v1/reports/monthly/2023-13.html", 422),
    Call(
        "reporting unknown table", "reporting", "GET", "/v1/reports/monthly/2023-04/nope.csv", 404
    ),
]


def gateway_request_cases() -> list[Call]:
    sync = "/v1/dvcqg/DongBoHoSoMC"
    json_ct = {"content-type": "application/json"}
    return [
        Call("not JSON", "gateway", "POST", sync, 400, "JSON", raw=b"{not json", headers=json_ct),
        Call(
            "bad UTF-8 body",
            "gateway",
            "POST",
            sync,
            400,
            "JSON",
            raw=b'{"a":"\xff"}',
            headers=json_ct,
        ),
        Call(
            "deeply nested",
            "gateway",
            "POST",
            sync,
            400,
            "JSON",
            raw=b"[" * 50_000 + b"]" * 50_000,
            headers=json_ct,
        ),
        Call(
            "nested 20 levels",
            "gateway",
            "POST",
            sync,
            400,
            "16",
            raw=b'{"a":' * 20 + b"1" + b"}" * 20,
            headers=json_ct,
        ),
        Call(
            "5,000-digit number",
            "gateway",
            "POST",
            sync,
            400,
            "JSON",
            raw=b'{"service":"DongBoHoSoMC","data":[],"x":' + b"9" * 5000 + b"}",
            headers=json_ct,
        ),
        Call("empty body", "gateway", "POST", sync, 400, raw=b"", headers=json_ct),
        Call("JSON null", "gateway", "POST", sync, 400, body=None, raw=b"null", headers=json_ct),
        Call("JSON string", "gateway", "POST", sync, 400, raw=b'"DongBoHoSoMC"', headers=json_ct),
        Call(
            "wrong service",
            "gateway",
            "POST",
            sync,
            400,
            "service",
            body={"service": "XoaHoSo", "data": []},
        ),
        Call(
            "data not a list",
            "gateway",
            "POST",
            sync,
            400,
            "data",
            body={"service": "DongBoHoSoMC", "data": {}},
        ),
        Call(
            "1,001 records",
            "gateway",
            "POST",
            sync,
            400,
            "data",
            body={"service": "DongBoHoSoMC", "data": [{}] * 1001},
        ),
        Call(
            "isUpdating maybe",
            "gateway",
            "POST",
            sync,
            400,
            "isUpdating",
            body={"service": "DongBoHoSoMC", "isUpdating": "maybe", "data": []},
        ),
        Call(
            "bare array, bad isUpdating",
            "gateway",
            "POST",
            sync,
            400,
            "isUpdating",
            body=[],
            params={"isUpdating": "perhaps"},
        ),
        Call(
            "declared too large",
            "gateway",
            "POST",
            sync,
            413,
            raw=b"{}",
            headers={**json_ct, "content-length": str(10**9)},
            lying=True,
        ),
        Call(
            "integration without service",
            "gateway",
            "POST",
            "/v1/dvcqg/integration",
            400,
            "service",
            body={"data": []},
        ),
        Call(
            "integration unknown service",
            "gateway",
            "POST",
            "/v1/dvcqg/integration",
            400,
            "service",
            body={"service": "LayThuTuc", "data": []},
        ),
        Call(
            "no credential",
            "gateway",
            "POST",
            sync,
            401,
            body={"service": "DongBoHoSoMC", "data": []},
            keyed=False,
        ),
        Call(
            "forged key",
            "gateway",
            "POST",
            sync,
            401,
            body={"service": "DongBoHoSoMC", "data": []},
            keyed=False,
            headers={"X-API-Key": "pasc_abc_def"},
        ),
        Call(
            "non-ASCII key",
            "gateway",
            "POST",
            sync,
            401,
            body={"service": "DongBoHoSoMC", "data": []},
            keyed=False,
            headers={"X-API-Key": "pasc_ä_ö"},
            lying=True,
        ),
        Call(
            "forged session",
            "gateway",
            "POST",
            "/v1/dvcqg/integration",
            401,
            body={"service": "DongBoHoSoMC", "session": "pascs_forged", "data": []},
            keyed=False,
        ),
        Call(
            "session in query, forged",
            "gateway",
            "POST",
            sync,
            401,
            body=[],
            params={"session": "pascs_" + "x" * 43},
            keyed=False,
        ),
        Call(
            "other agency claimed",
            "gateway",
            "POST",
            sync,
            403,
            "X-PASC-Agency",
            body={"service": "DongBoHoSoMC", "data": []},
            headers={"X-PASC-Agency": "STP"},
        ),
        Call(
            "auth without password",
            "gateway",
            "POST",
            "/v1/dvcqg/auth",
            400,
            "password",
            body={"username": "x"},
            keyed=False,
        ),
        Call(
            "auth wrong pair",
            "gateway",
            "POST",
            "/v1/dvcqg/auth",
            401,
            body={"username": "nobody", "password": "x"},
            keyed=False,
        ),
        Call(
            "auth username NUL",
            "gateway",
            "POST",
            "/v1/dvcqg/auth",
            401,
            body={"username": "a\x00b", "password": "x"},
            keyed=False,
        ),
        Call(
            "auth not an object", "gateway", "POST", "/v1/dvcqg/auth", 400, body=["x"], keyed=False
        ),
        Call("public lookup %00", "gateway", "GET", "/v1/public/dossiers/A%00B", 400, keyed=False),
        Call(
            "public lookup bidi",
            "gateway",
            "GET",
            "/v1/public/dossiers/A%E2%80%AEB",
            400,
            keyed=False,
        ),
        Call(
            "public lookup unknown",
            "gateway",
            "GET",
            "/v1/public/dossiers/NO-SUCH-1",
            404,
            keyed=False,
        ),
        Call(
            "public lookup long",
            "gateway",
            "GET",
            "/v1/public/dossiers/" + "A" * 3000,
            400,
            keyed=False,
        ),
        Call(
            "plan progress task 10^30",
            "gateway",
            "POST",
            "/v1/plan/progress",
            400,
            "task_no",
            body={"plan_id": "p", "task_no": 10**30, "percent": 10},
        ),
        Call(
            "plan progress percent text",
            "gateway",
            "POST",
            "/v1/plan/progress",
            400,
            "percent",
            body={"plan_id": "p", "task_no": 1, "percent": "ten"},
        ),
        Call("camera not an object", "gateway", "POST", "/v1/camera/events", 400, body=[1, 2]),
        Call(
            "admin without an operator's token, whatever X-Forwarded-For says",
            "gateway",
            "GET",
            "/admin/audit",
            401,
            keyed=False,
            headers={"X-Forwarded-For": "127.0.0.1"},
        ),
    ]


# Record-level: each goes beside a good record; the good one is accepted, this one refused.
RECORD_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("code as float", {"TrangThaiHoSo": 2.0}, "TrangThaiHoSo"),
    ("code as bool", {"TrangThaiHoSo": True}, "TrangThaiHoSo"),
    ("code 11", {"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
    ("code 10^30", {"TrangThaiHoSo": 10**30}, "TrangThaiHoSo"),
    ("code as words", {"TrangThaiHoSo": "bốn"}, "TrangThaiHoSo"),
    ("channel -1", {"KenhThucHien": -1}, "KenhThucHien"),
    ("flag 2", {"HinhThuc": 2}, "HinhThuc"),
    ("MaHoSo spaces", {"MaHoSo": "   "}, "MaHoSo"),
    ("MaHoSo inner space", {"MaHoSo": "A 1"}, "MaHoSo"),
    ("MaHoSo NUL", {"MaHoSo": f"A{NUL}1"}, "MaHoSo"),
    ("MaHoSo bidi", {"MaHoSo": f"A{BIDI}1"}, "MaHoSo"),
    ("MaHoSo surrogate", {"MaHoSo": f"A{SURROGATE}1"}, "MaHoSo"),
    ("MaHoSo 65 characters", {"MaHoSo": "A" * 65}, "MaHoSo"),
    ("MaHoSo a number", {"MaHoSo": 12345}, "MaHoSo"),
    ("MaHoSo missing", {"MaHoSo": None}, "MaHoSo"),
    ("name with NUL", {"ChuHoSo": f"Nguyễn{NUL}"}, "ChuHoSo"),
    ("note with surrogate", {"GhiChu": SURROGATE}, "GhiChu"),
    ("summary with bidi", {"TrichYeuHoSo": f"x{BIDI}y"}, "TrichYeuHoSo"),
    ("procedure name with escape", {"TenTTHC": "x\x1b[31m"}, "TenTTHC"),
    ("note of 5,000 characters", {"GhiChu": "x" * 5000}, "GhiChu"),
    (
        "file id with NUL",
        {"TaiLieuNop": [{"TepDinhKemId": f"a{NUL}b", "DuocSoHoa": 1}]},
        "TepDinhKemId",
    ),
    ("document flag words", {"TaiLieuNop": [{"DuocSoHoa": "có"}]}, "DuocSoHoa"),
    ("documents not a list", {"TaiLieuNop": "none"}, "TaiLieuNop"),
    ("fee NaN", {"DanhSachLePhi": [{"Gia": "NaN"}]}, "Gia"),
    ("fee -1e308", {"DanhSachLePhi": [{"Gia": -1e308}]}, "Gia"),
    ("fee 1e300", {"DanhSachLePhi": [{"Gia": 1e300}]}, "Gia"),
    ("ISO date", {"NgayTiepNhan": "2023-04-03"}, "NgayTiepNhan"),
    ("30 February", {"NgayTiepNhan": "20230230083000"}, "NgayTiepNhan"),
    ("date as number", {"NgayTiepNhan": 20230403083000}, "NgayTiepNhan"),
    ("year 1", {"NgayTiepNhan": "00010101000000", "NgayHenTra": "00010110000000"}, "NgayTiepNhan"),
    (
        "year 1900",
        {"NgayTiepNhan": "19000101000000", "NgayHenTra": "19000110000000"},
        "NgayTiepNhan",
    ),
    ("year 9999 due", {"NgayHenTra": "99991231000000"}, "NgayHenTra"),
    ("due in 2030", {"NgayHenTra": "20300101000000"}, "NgayHenTra"),
    (
        "received in the future",
        {"NgayTiepNhan": "20290101000000", "NgayHenTra": "20290110000000"},
        "NgayTiepNhan",
    ),
    ("due before reception", {"NgayHenTra": "20230401000000"}, "NgayHenTra"),
    ("returned without end date", {"TrangThaiHoSo": 10}, "NgayKetThucXuLy"),
    ("unknown procedure", {"MaTTHC": "9.999999"}, "MaTTHC"),
    ("malformed procedure code", {"MaTTHC": "1.1"}, "MaTTHC"),
    ("long code of another unit", {"MaTTHC": "{code}.000.00.09.H13"}, "MaTTHC"),
    ("long code of another province", {"MaTTHC": "{code}.000.00.00.H22"}, "MaTTHC"),
    ("another agency's procedure", {"MaTTHC": "{stp_code}"}, "MaTTHC"),
    ("another agency's numbering", {"MaHoSo": "STP-{run}-1"}, "MaHoSo"),
    ("another agency's unit numbering", {"MaHoSo": "000.00.09.H13-{run}-1"}, "MaHoSo"),
    ("a record that is a list", [1, 2], "đối tượng"),
    ("a record that is text", "MaHoSo", "đối tượng"),
]


def good(run: str, n: int, code: str, **changes: Any) -> dict[str, Any]:
    return {
        "MaHoSo": f"{run}-{n}",
        "MaTTHC": code,
        "KenhThucHien": 2,
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
        **changes,
    }


@pytest.fixture(scope="module")
def services(kafka_bootstrap: str, database_url: str) -> Iterator[dict[str, RunningService]]:
    common = {"kafka": kafka_bootstrap, "database_url": database_url}
    with (
        run_service("integration_gateway", **common) as gateway,
        run_service("catalog_service", **common) as catalog,
        run_service("task_service", **common) as task,
        run_service("reporting_service", **common) as reporting,
    ):
        yield {"gateway": gateway, "catalog": catalog, "task": task, "reporting": reporting}


@pytest.fixture(scope="module")
async def setup(
    services: dict[str, RunningService], kafka_bootstrap: str, database_url: str
) -> dict[str, str]:
    gateway = services["gateway"]
    rng = random.Random()
    codes = {"SXD": f"3.{rng.randrange(10**6):06d}", "STP": f"3.{rng.randrange(10**6):06d}"}
    await teach_gateway(
        kafka_bootstrap,
        database_url,
        gateway,
        [procedure(code, agency) for agency, code in codes.items()],
    )
    keys = {}
    async with httpx.AsyncClient(base_url=gateway.url, auth=keycloak.auth("operator")) as client:
        for agency, unit in (("SXD", "000.00.17.H13"), ("STP", "000.00.09.H13")):
            issued = await client.post("/admin/keys", json={"agency": agency, "unit_code": unit})
            assert issued.status_code == 201, issued.text
            keys[agency] = issued.json()["api_key"]
    return {"sxd": codes["SXD"], "stp": codes["STP"], "key": keys["SXD"], "stp_key": keys["STP"]}


async def lying_request(url: str, call: Call, headers: dict[str, str]) -> tuple[int, str]:
    """A request HTTP clients refuse to send, written on the socket as it is."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    target = call.path + (f"?{urlencode(call.params)}" if call.params else "")
    lines = [f"{call.method} {target} HTTP/1.1", f"host: {host}", "connection: close"]
    body = call.raw if call.raw is not None else json.dumps(call.body).encode()
    if not any(k.lower() == "content-length" for k in headers):
        headers = {**headers, "content-type": "application/json", "content-length": str(len(body))}
    lines += [f"{k}: {v}" for k, v in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), 60)
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def counted(outcomes: list[tuple[str, bool]]) -> None:
    handled = sum(ok for _, ok in outcomes)
    print(f"\nhostile inputs tried: {len(outcomes)}, handled right: {handled}")
    wrong = [case for case, ok in outcomes if not ok]
    assert wrong == [], wrong


async def test_hostile_http_requests_get_a_clear_refusal(
    services: dict[str, RunningService], setup: dict[str, str]
) -> None:
    outcomes: list[tuple[str, bool]] = []
    details = []
    for call in gateway_request_cases() + OTHER_SERVICES:
        headers = dict(call.headers)
        if call.service == "gateway" and call.keyed:
            headers.setdefault("X-API-Key", setup["key"])
        elif call.service != "gateway":  # a user with every staff role: the handlers answer
            headers.setdefault("Authorization", f"Bearer {keycloak.token(keycloak.DEMO_USER)}")
        if call.lying:
            status, text = await lying_request(services[call.service].url, call, headers)
        else:
            payload: dict[str, Any] = (
                {"content": call.raw} if call.raw is not None else {"json": call.body}
            )
            async with httpx.AsyncClient(base_url=services[call.service].url, timeout=60) as c:
                response = await c.request(
                    call.method, call.path, params=call.params, headers=headers, **payload
                )
            status, text = response.status_code, response.text
        ok = status == call.status and call.reason in text
        outcomes.append((call.case, ok))
        if not ok:
            details.append((call.case, status, text[:200]))
    print(details)
    counted(outcomes)


async def test_hostile_records_are_refused_one_by_one_and_good_neighbours_kept(
    services: dict[str, RunningService], setup: dict[str, str]
) -> None:
    run = f"HC{uuid.uuid4().hex[:8].upper()}"
    outcomes: list[tuple[str, bool]] = []
    details = []
    async with httpx.AsyncClient(
        base_url=services["gateway"].url, headers={"X-API-Key": setup["key"]}, timeout=60
    ) as client:
        for n, (case, changes, reason) in enumerate(RECORD_CASES):
            if isinstance(changes, dict):
                filled = {
                    k: v.format(code=setup["sxd"], stp_code=setup["stp"], run=run)
                    if isinstance(v, str) and "{" in v
                    else v
                    for k, v in changes.items()
                }
                hostile: Any = {**good(run, 1000 + n, setup["sxd"]), **filled}
                hostile = {k: v for k, v in hostile.items() if v is not None}
            else:
                hostile = changes
            # A lone surrogate cannot be encoded by httpx's json: sent as a JSON escape.
            raw = json.dumps(
                {"service": "DongBoHoSoMC", "data": [good(run, n, setup["sxd"]), hostile]},
                ensure_ascii=True,
            ).encode()
            response = await client.post(
                "/v1/dvcqg/DongBoHoSoMC", content=raw, headers={"content-type": "application/json"}
            )
            results = response.json().get("results", []) if response.status_code == 200 else []
            ok = (
                len(results) == 2
                and results[0]["accepted"]
                and not results[1]["accepted"]
                and reason in (results[1]["reason"] or "")
            )
            outcomes.append((case, ok))
            if not ok:
                details.append((case, response.status_code, response.text[:300]))

        # Squatting, freezing: another agency's number, a final dossier rewritten.
        first = await client.post(
            "/v1/dvcqg/DongBoHoSoMC",
            json={
                "service": "DongBoHoSoMC",
                "data": [
                    good(
                        run,
                        9000,
                        setup["sxd"],
                        TrangThaiHoSo=10,
                        NgayKetThucXuLy="20230410100000",
                        NgayTra="20230411090000",
                    )
                ],
            },
        )
        assert first.json()["results"][0]["accepted"], first.text
        rewritten = await client.post(
            "/v1/dvcqg/DongBoHoSoMC",
            json={
                "service": "DongBoHoSoMC",
                "data": [
                    good(
                        run,
                        9000,
                        setup["sxd"],
                        TrangThaiHoSo=10,
                        NgayHenTra="20231217170000",
                        NgayKetThucXuLy="20230405100000",
                        NgayTra="20230411090000",
                    )
                ],
            },
        )
        verdict = rewritten.json()["results"][0]
        outcomes.append(
            ("final dossier rewritten", not verdict["accepted"] and "kết thúc" in verdict["reason"])
        )
    async with httpx.AsyncClient(
        base_url=services["gateway"].url, headers={"X-API-Key": setup["stp_key"]}, timeout=60
    ) as client:
        squat = await client.post(
            "/v1/dvcqg/DongBoHoSoMC",
            json={"service": "DongBoHoSoMC", "data": [good(run, 0, setup["stp"])]},
        )
        verdict = squat.json()["results"][0]
        outcomes.append(
            (
                "another agency's dossier number",
                not verdict["accepted"]
                and "cơ quan khác" in verdict["reason"]
                and "SXD" not in verdict["reason"],
            )
        )
    print(details)
    counted(outcomes)


async def test_hostile_ingress_messages_are_dead_lettered_and_the_partition_flows(
    services: dict[str, RunningService], setup: dict[str, str], kafka_bootstrap: str
) -> None:
    run = f"HK{uuid.uuid4().hex[:8].upper()}"
    key = setup["key"]
    valid = {"service": "DongBoHoSoMC", "data": [good(run, 1, setup["sxd"])]}
    messages: list[tuple[str, bytes, str | None]] = [
        ("deeply nested", b"[" * 100_000 + b"]" * 100_000, key),
        ("5,000-digit number", b'{"service":"DongBoHoSoMC","data":[' + b"9" * 5000 + b"]}", key),
        ("not JSON", b"ChuHoSo=Nguyen;0912345678", key),
        ("unknown service", json.dumps({"service": "XoaHoSo", "data": []}).encode(), key),
        ("unsigned", json.dumps(valid).encode(), None),
        (
            "bad record",
            json.dumps({"service": "DongBoHoSoMC", "data": [{"MaHoSo": "A\x00"}]}).encode(),
            key,
        ),
        ("valid", json.dumps(valid).encode(), key),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    sent: dict[tuple[int, int], str] = {}
    try:
        for n, (case, value, secret) in enumerate(messages):
            stamp, message_id = str(int(time.time())), f"{run}-{n}"
            headers = [
                ("x-pasc-agency", b"SXD"),
                ("x-pasc-timestamp", stamp.encode()),
                ("x-pasc-message-id", message_id.encode()),
            ]
            signature = sign(secret, stamp, message_id, value) if secret else "é" * 64
            headers.append(("x-pasc-signature", signature.encode()))
            meta = await producer.send_and_wait(
                "gateway.ingress.dvcqg.v1", value, key=b"SXD", headers=headers
            )
            sent[(meta.partition, meta.offset)] = case
    finally:
        await producer.stop()
    applied = await read_until(
        kafka_bootstrap,
        "dossier.lifecycle.v1",
        lambda v: v.get("payload", {}).get("dossier", {}).get("ma_ho_so") == f"{run}-1",
        want=1,
        timeout=120,
    )
    group = services["gateway"].group_for("gateway.ingress.dvcqg.v1")
    hostile = {where: case for where, case in sent.items() if case != "valid"}
    letters = await read_until(
        kafka_bootstrap,
        "deadletter.v1",
        lambda v: (
            v.get("payload", {}).get("consumer_group") == group
            and (v["payload"]["partition"], v["payload"]["offset"]) in hostile
        ),
        want=len(hostile),
        timeout=60,
    )
    lettered = {
        hostile[(letter["payload"]["partition"], letter["payload"]["offset"])]: letter["payload"]
        for letter in letters
    }
    outcomes = [("valid message after six hostile ones applied", len(applied) == 1)]
    outcomes += [
        (f"{case}: dead-lettered with a reason", bool(lettered.get(case, {}).get("error")))
        for case in hostile.values()
    ]
    counted(outcomes)
