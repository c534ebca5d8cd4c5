"""Real department systems connect by changing a URL (issue: conformance with public one-stop systems).

Records are built the way two public systems' own sync code builds them:
- OpenCPS (VietOpenCPS/opencps-v2, DVCQGIntegrationActionImpl.java): the auth exchange
  (username/password -> `session`, `error_code` read with getInt), then one integration URL
  with `session` and `madonvi` beside `service`, `isUpdating` and `data` in the body; every code
  written with String.valueOf, "" for an absent date, the agency's name in DonViXuLy, Fax,
  MaDoiTuong, ThongTinKhac, ThongTinTra sent; success read as error_code "00";
- a provincial C# system (minhnv0311/ServerWeb2, Controllers/OnegateController.cs, class
  HsDongBo): a bare JSON array posted to .../DongBoHoSoMC?MaDinhDanhDV=<unit>&isUpdating=True,
  every field a string, NgayHenTra "", SoBienNhan "", no KenhThucHien, MaTTHC in the long form
  `<code>.000.00.00.H<province>`, IsDeleted "False" on documents.
They go through the real gateway (HTTP and the signed Kafka ingress) to a real reporting-service;
the figures must equal a hand count and nothing personal may be published.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from integration_gateway.domain.identity import sign
from support import keycloak
from support.catalog import procedure, teach_gateway
from support.kafka import read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

UNIT = "000.00.17.H13"
PERSONAL = ("Nguyễn Thị Bích", "079912345678", "0912345678", "bich@example.vn", "Trần Văn Cường")


@pytest.fixture(scope="module")
def services(kafka_bootstrap: str, database_url: str) -> Iterator[dict[str, RunningService]]:
    with (
        run_service("integration_gateway", kafka=kafka_bootstrap, database_url=database_url) as gw,
        run_service("reporting_service", kafka=kafka_bootstrap, database_url=database_url) as rep,
    ):
        yield {"gateway": gw, "reporting": rep}


def opencps_record(ma_ho_so: str, ma_tthc: str, status: str, **dates: str) -> dict[str, Any]:
    """As createSyncDossierBodyRequest writes it."""
    return {
        "MaHoSo": ma_ho_so,
        "MaTTHC": ma_tthc,
        "TenTTHC": "Thủ tục thử nghiệm",
        "MaLinhVuc": "",
        "TenLinhVuc": "",
        "ChuHoSo": PERSONAL[0],
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "ThongTinKhac": "",
        "Email": PERSONAL[3],
        "Fax": PERSONAL[2],
        "SoDienThoai": PERSONAL[2],
        "TrichYeuHoSo": f"Hồ sơ của {PERSONAL[0]}, CCCD {PERSONAL[1]}",
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": status,
        "NgayTra": dates.get("NgayTra", ""),
        "ThongTinTra": "",
        "HinhThuc": "0",
        "NgayKetThucXuLy": dates.get("NgayKetThucXuLy", ""),
        "DonViXuLy": "Sở Xây dựng",
        "GhiChu": f"Liên hệ {PERSONAL[2]}",
        "TaiLieuNop": [],
        "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }


def csharp_record(ma_ho_so: str, long_ma_tthc: str, status: str) -> dict[str, Any]:
    """As the HsDongBo class serialises (its deny/cancel paths)."""
    return {
        "MaHoSo": ma_ho_so,
        "MaTTHC": long_ma_tthc,
        "TenTTHC": "Thủ tục thử nghiệm",
        "MaLinhVuc": "G03-GD10",
        "TenLinhVuc": "Giáo dục",
        "SoBienNhan": "",
        "ChuHoSo": PERSONAL[4],
        "LoaiDoiTuong": "1",
        "MaDoiTuong": PERSONAL[1],
        "NgayTiepNhan": "20230404090000",
        "NgayHenTra": "",
        "TrangThaiHoSo": status,
        "HinhThuc": "0",
        "DonViXuLy": "Sở Xây dựng thành phố Cần Thơ",
        "TaiLieuNop": [
            {
                "TepDinhKemId": f"CCCD_{PERSONAL[1]}.pdf",
                "TenTepDinhKem": f"CCCD {PERSONAL[4]}.pdf",
                "IsDeleted": "False",
                "MaThanhPhanHoSo": "TP1",
                "DuongDanTaiTepTin": "http://127.0.0.1/dowload.aspx?filename=x",
            }
        ],
        "DanhSachGiayToKetQua": [],
    }


async def figures(reporting: RunningService, codes: dict[str, str]) -> dict[str, dict[str, Any]]:
    async with httpx.AsyncClient(
        base_url=reporting.url, timeout=60, auth=keycloak.auth("cioc")
    ) as client:
        response = await client.get("/v1/kpi", params={"from": "2023-04-01", "to": "2023-04-30"})
    assert response.status_code == 200, response.text
    by_code = {p["ma_tthc"]: p for p in response.json()["by_procedure"]}
    return {name: by_code.get(code, {}) for name, code in codes.items()}


async def test_opencps_and_csharp_records_are_accepted_as_sent(
    services: dict[str, RunningService], kafka_bootstrap: str, database_url: str
) -> None:
    gateway, reporting = services["gateway"], services["reporting"]
    rng = random.Random()
    codes = {name: f"3.{rng.randrange(10**6):06d}" for name in ("opencps", "csharp", "kafka")}
    run = uuid.uuid4().hex[:8].upper()
    await teach_gateway(
        kafka_bootstrap,
        database_url,
        gateway,
        [procedure(code, "SXD", working_days=10) for code in codes.values()],
    )

    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        issued = await client.post(
            "/admin/keys",
            json={"agency": "SXD", "username": f"sxd-motcua-{run.lower()}", "unit_code": UNIT},
            auth=keycloak.auth("operator"),
        )
        assert issued.status_code == 201, issued.text
        password = issued.json()["api_key"]
        username = f"sxd-motcua-{run.lower()}"

        # The auth exchange, as OpenCPS's getAccessToken makes it.
        wrong = await client.post("/v1/dvcqg/auth", json={"username": username, "password": "x"})
        assert wrong.status_code == 401
        auth = await client.post(
            "/v1/dvcqg/auth", json={"username": username, "password": password}
        )
        assert auth.status_code == 200, auth.text
        assert auth.json()["error_code"] == 0
        session = auth.json()["session"]

        # OpenCPS: one integration URL, credentials in the body.
        done = {"NgayKetThucXuLy": "20230410100000", "NgayTra": "20230411090000"}
        opencps = {
            "session": session,
            "madonvi": UNIT,
            "isUpdating": "False",
            "service": "DongBoHoSoMC",
            "data": [
                opencps_record(f"{run}-O1", codes["opencps"], "2"),
                opencps_record(f"{run}-O2", codes["opencps"], "4"),
                opencps_record(f"{run}-O3", codes["opencps"], "10", **done),
            ],
        }
        synced = await client.post("/v1/dvcqg/integration", json=opencps)
        assert synced.status_code == 200, synced.text
        assert synced.json()["error_code"] == "00"
        assert [r["accepted"] for r in synced.json()["results"]] == [True, True, True], synced.text
        steps = {
            "session": session,
            "madonvi": UNIT,
            "service": "CapNhatTienDoHoSoMC",
            "data": [
                {
                    "MaHoSo": f"{run}-O2",
                    "NguoiXuLy": PERSONAL[4],
                    "ChucDanh": "",
                    "ThoiDiemXuLy": "20230405100000",
                    "PhongBanXuLy": f"Phòng của {PERSONAL[4]}",
                    "NoiDungXuLy": f"Đã gọi {PERSONAL[2]}, email {PERSONAL[3]}",
                    "TrangThai": "4",
                    "NgayBatDau": "",
                    "NgayKetThucTheoQuyDinh": "",
                }
            ],
        }
        stepped = await client.post("/v1/dvcqg/integration", json=steps)
        assert stepped.status_code == 200 and stepped.json()["results"][0]["accepted"], stepped.text
        other_unit = await client.post(
            "/v1/dvcqg/integration", json={**opencps, "madonvi": "000.00.09.H13"}
        )
        assert other_unit.status_code == 403

        # C#: a bare array, unit and flag in the query string.
        long_code = f"{codes['csharp']}.000.00.00.H13"
        csharp = [
            csharp_record(f"{run}-C1", long_code, "2"),
            csharp_record(f"{run}-C2", long_code, "3"),
            # The C# returnresultmulti path sends 10 with no end date: refused (missing_dates),
            # an on-time figure cannot be judged without it.
            csharp_record(f"{run}-C3", long_code, "10"),
        ]
        posted = await client.post(
            "/v1/dvcqg/DongBoHoSoMC",
            params={"MaDinhDanhDV": UNIT, "isUpdating": "True", "session": session},
            json=csharp,
        )
        assert posted.status_code == 200, posted.text
        verdicts = [(r["accepted"], r["reason"]) for r in posted.json()["results"]]
        assert [v[0] for v in verdicts] == [True, True, False], verdicts
        assert "NgayKetThucXuLy" in (verdicts[2][1] or "")

    # The same OpenCPS body on the signed Kafka ingress.
    kafka_body = {
        **opencps,
        "data": [
            opencps_record(f"{run}-K1", codes["kafka"], "2"),
            opencps_record(f"{run}-K2", codes["kafka"], "10", **done),
        ],
    }
    raw = json.dumps(kafka_body, ensure_ascii=False).encode()
    stamp, message_id = str(int(time.time())), f"{run}-k"
    headers = [
        ("x-pasc-agency", b"SXD"),
        ("x-pasc-timestamp", stamp.encode()),
        ("x-pasc-message-id", message_id.encode()),
        ("x-pasc-signature", sign(password, stamp, message_id, raw).encode()),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait("gateway.ingress.dvcqg.v1", raw, key=b"SXD", headers=headers)
    finally:
        await producer.stop()

    # Hand count: OpenCPS 3 received (1 processed on time), C# 2 received (none processed),
    # Kafka 2 received (1 processed on time).
    expected = {
        "opencps": {"received": 3, "processed": 1, "on_time": 1},
        "csharp": {"received": 2, "processed": 0, "on_time": 0},
        "kafka": {"received": 2, "processed": 1, "on_time": 1},
    }
    deadline, found = time.monotonic() + 150, {}
    while time.monotonic() < deadline:
        found = {
            name: {k: row.get(k, 0) for k in ("received", "processed", "on_time")}
            for name, row in (await figures(reporting, codes)).items()
        }
        if found == expected:
            break
        await asyncio.sleep(1)
    assert found == expected

    events = await read_until(
        kafka_bootstrap,
        "dossier.lifecycle.v1",
        lambda v: str(
            v.get("payload", {}).get("dossier", v.get("payload", {})).get("ma_ho_so", "")
        ).startswith(run),
        want=12,
        timeout=60,
    )
    published = json.dumps(events, ensure_ascii=False)
    derived = [
        e["payload"]["dossier"]
        for e in events
        if e.get("payload", {}).get("dossier", {}).get("ma_ho_so") == f"{run}-C1"
    ]
    assert derived and all(d["due_derived"] for d in derived)
    hits = [p for p in PERSONAL if p in published]
    assert hits == [], f"personal data published on dossier.lifecycle.v1: {hits}"
