"""The reference data's 2025 reorganisation applied to a 2023 catalog on the real broker and
database: the organisation before and after, the communes as receiving places, applied once."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from support import keycloak
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

CATALOG_2023 = [
    ("1.200001", "SKHDT", "Đầu tư"),
    ("1.200002", "SGTVT", "Đường bộ"),
    ("1.200003", "STNMT", "Đất đai"),
    ("1.200004", "SNNPTNT", "Thủy sản"),
    ("1.200005", "STTTT", "Bưu chính"),
    ("1.200006", "SLDTBXH", "Giáo dục nghề nghiệp"),
    ("1.200007", "SLDTBXH", "Bảo trợ xã hội"),
    ("1.200008", "SLDTBXH", "Việc làm"),
    ("1.200009", "BDT", "Công tác dân tộc"),
    ("1.200010", "SXD", "Hoạt động xây dựng"),
]
NOW = {"STC", "SXD", "SNNMT", "SKHCN", "SNV", "SYT", "SGDDT", "SDTTG"}
GONE = {"SKHDT", "SGTVT", "STNMT", "SNNPTNT", "STTTT", "SLDTBXH", "BDT"}


@pytest.fixture(scope="module")
def catalog(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service("catalog_service", kafka=kafka_bootstrap, database_url=database_url) as svc:
        yield svc


async def organisation(http: httpx.AsyncClient, day: str) -> dict[str, dict[str, object]]:
    found = (await http.get("/v1/organisation", params={"as_of": day})).json()
    return {a["agency_code"]: a for a in found["agencies"]}


async def staged(database_url: str, service: RunningService) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM {service.schema}.outbox"))
    finally:
        await conn.close()


async def test_the_reference_reorganisation_gives_today_s_city_once(
    catalog: RunningService, database_url: str
) -> None:
    async with httpx.AsyncClient(
        base_url=catalog.url, timeout=120, auth=keycloak.auth("recorder")
    ) as http:
        decided = await http.post(
            "/v1/decisions",
            json={
                "decision_no": "1234/QĐ-UBND",
                "signed_on": "2023-04-14",
                "recorded_by": "test",
                "rows": [
                    {
                        "ma_tthc": code,
                        "ten_tthc": f"Thủ tục {code}",
                        "ten_linh_vuc": field,
                        "ma_co_quan": agency,
                        "cap_thuc_hien": "tinh",
                        "tiep_nhan_tai_trung_tam": "1",
                        "ly_do_khong_tiep_nhan": "",
                        "muc_do_dvc": "toan_trinh",
                        "thoi_han_giai_quyet": "10",
                    }
                    for code, agency, field in CATALOG_2023
                ],
            },
        )
        assert decided.status_code == 200, decided.text
        applied = await http.post("/v1/lineage/reorganisation-2025", params={"recorded_by": "test"})
        assert applied.status_code == 200, applied.text
        steps = applied.json()["steps"]
        assert [s.get("applied") for s in steps] == [True, None, True]
        assert steps[1]["registered"] == steps[1]["receiving_places"] > 90
        before_events = await staged(database_url, catalog)
        again = (
            await http.post("/v1/lineage/reorganisation-2025", params={"recorded_by": "test"})
        ).json()["steps"]
        assert [s.get("applied") for s in again] == [False, None, False]
        assert again[1]["registered"] == 0
        assert await staged(database_url, catalog) == before_events

    async with httpx.AsyncClient(
        base_url=catalog.url, timeout=60, auth=keycloak.auth("office")
    ) as http:
        in_2024, in_2026 = (
            await organisation(http, "2024-05-31"),
            await organisation(http, "2026-05-31"),
        )
        assert GONE <= set(in_2024) and not (GONE & set(in_2026))
        assert NOW <= set(in_2026)
        owners = {
            code: (await http.get(f"/v1/procedures/{code}", params={"as_of": "2026-05-31"})).json()[
                "in_force"
            ]["agency_code"]
            for code, _, _ in CATALOG_2023
        }
        assert owners == {
            "1.200001": "STC",
            "1.200002": "SXD",
            "1.200003": "SNNMT",
            "1.200004": "SNNMT",
            "1.200005": "SKHCN",
            "1.200006": "SGDDT",
            "1.200007": "SYT",
            "1.200008": "SNV",
            "1.200009": "SDTTG",
            "1.200010": "SXD",
        }
        places = (await http.get("/v1/receiving-places", params={"as_of": "2026-05-31"})).json()
        assert len(places) > 90 and all(p["level"] == "commune" for p in places)
        assert (await http.get("/v1/receiving-places", params={"as_of": "2025-06-30"})).json() == []
        old = (await http.get("/v1/coverage", params={"as_of": "2024-05-31"})).json()["city"]
        new = (await http.get("/v1/coverage", params={"as_of": "2026-05-31"})).json()["city"]
        assert (
            (old["eligible"], old["at_center"]) == (new["eligible"], new["at_center"]) == (10, 10)
        )
