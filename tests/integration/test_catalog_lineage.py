"""The 2025 reorganisation through catalog-service on the real broker and database: a merge of
two departments into a new one, a split, and the district level's abolition on 01/07/2025, with
the catalog as of dates before and after, the events on the topics, and procedures moved once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from support import keycloak
from support.kafka import read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

SIGNER = "Chủ tịch UBND thành phố"


@pytest.fixture(scope="module")
def catalog(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service("catalog_service", kafka=kafka_bootstrap, database_url=database_url) as svc:
        yield svc


def row(code: str, agency: str, level: str = "tinh", at_center: bool = True) -> dict[str, str]:
    return {
        "ma_tthc": code,
        "ten_tthc": f"Thủ tục {code} của {agency}",
        "ma_co_quan": agency,
        "cap_thuc_hien": level,
        "tiep_nhan_tai_trung_tam": "1" if at_center else "0",
        "ly_do_khong_tiep_nhan": "",
        "muc_do_dvc": "mot_phan",
        "thoi_han_giai_quyet": "10",
    }


CATALOG_2023 = [
    row("1.100001", "STNMT"),
    row("1.100002", "STNMT"),
    row("1.100003", "SNNPTNT"),
    row("1.100004", "SLDTBXH"),
    row("1.100005", "SLDTBXH"),
    row("1.100006", "SLDTBXH", at_center=False),
    row("2.100001", "UBND-NK", "huyen"),
    row("2.100002", "UBND-NK", "huyen"),
]


def client(service: RunningService, role: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=service.url, timeout=30, auth=keycloak.auth(role))


async def lineage(service: RunningService, body: dict[str, Any]) -> httpx.Response:
    async with client(service, "recorder") as http:
        return await http.post("/v1/lineage", json={"signer": SIGNER, "recorded_by": "vp", **body})


async def organisation(service: RunningService, day: str) -> dict[str, dict[str, Any]]:
    async with client(service, "office") as http:
        found = (await http.get("/v1/organisation", params={"as_of": day})).json()
    return {a["agency_code"]: a for a in found["agencies"]}


def refusal(response: httpx.Response) -> dict[str, Any]:
    """The refusal's code and message (the one error body, or FastAPI's `detail` around it)."""
    body = response.json()
    return dict(body.get("detail", body))


def mine(service: RunningService, event_type: str) -> Any:
    def match(value: dict[str, Any]) -> bool:
        return value.get("producer") == service.name and value.get("event_type") == event_type

    return match


@pytest.fixture(scope="module")
async def catalog_2023(catalog: RunningService) -> RunningService:
    async with client(catalog, "catalog") as http:
        district = await http.put(
            "/v1/agencies/UBND-NK", json={"name": "UBND quận Ninh Kiều", "kind": "district"}
        )
        assert district.status_code == 200, district.text
    async with client(catalog, "recorder") as http:
        decided = await http.post(
            "/v1/decisions",
            json={
                "decision_no": "100/QĐ-UBND",
                "signed_on": "2023-04-01",
                "recorded_by": "vp",
                "rows": CATALOG_2023,
            },
        )
    assert decided.status_code == 200, decided.text
    assert decided.json()["counts"]["created"] == len(CATALOG_2023)
    return catalog


async def test_a_merge_of_two_departments_into_a_new_one_on_a_date(
    catalog_2023: RunningService, kafka_bootstrap: str
) -> None:
    catalog = catalog_2023
    merge = {
        "decision_no": "500/QĐ-UBND",
        "signed_on": "2025-02-25",
        "effective_from": "2025-03-01",
        "reason": "Hợp nhất Sở TNMT và Sở NN&PTNT",
        "new_agencies": [
            {"agency_code": "SNNMT", "name": "Sở Nông nghiệp và Môi trường", "kind": "department"}
        ],
        "changes": [
            {"kind": "merge", "predecessors": ["STNMT", "SNNPTNT"], "successors": ["SNNMT"]}
        ],
    }
    dry = await lineage(catalog, {**merge, "dry_run": True})
    assert dry.status_code == 200, dry.text
    assert not dry.json()["applied"] and len(dry.json()["procedures"]) == 3
    applied = await lineage(catalog, merge)
    assert applied.status_code == 200, applied.text
    report = applied.json()
    assert report["applied"] and report["agencies_closed"] == ["SNNPTNT", "STNMT"]
    assert {p["ma_tthc"]: p["to_agency"] for p in report["procedures"]} == {
        "1.100001": "SNNMT",
        "1.100002": "SNNMT",
        "1.100003": "SNNMT",
    }

    before, after = (
        await organisation(catalog, "2025-02-28"),
        await organisation(catalog, "2025-03-01"),
    )
    assert before["STNMT"]["procedures"] == 2 and before["SNNPTNT"]["procedures"] == 1
    assert "SNNMT" not in before
    assert "STNMT" not in after and "SNNPTNT" not in after
    assert after["SNNMT"]["procedures"] == 3
    assert sorted(after["SNNMT"]["continues"]) == ["SNNPTNT", "STNMT"]

    async with client(catalog, "office") as http:
        history = (await http.get("/v1/procedures/1.100001")).json()["history"]
        assert [(h["decision_no"], h["procedure"]["agency_code"]) for h in history] == [
            ("100/QĐ-UBND", "STNMT"),
            ("500/QĐ-UBND", "SNNMT"),
        ]
        old = (await http.get("/v1/coverage", params={"as_of": "2025-02-28"})).json()
        new = (await http.get("/v1/coverage", params={"as_of": "2025-03-01"})).json()
    old_codes = {a["agency_code"]: a for a in old["agencies"]}
    new_codes = {a["agency_code"]: a for a in new["agencies"]}
    assert old_codes["STNMT"]["eligible"] + old_codes["SNNPTNT"]["eligible"] == 3
    assert new_codes["SNNMT"]["eligible"] == 3 and new_codes["SNNMT"]["fully_onboarded"]
    assert "STNMT" not in new_codes
    assert old["city"]["eligible"] == new["city"]["eligible"]

    [event] = await read_until(
        kafka_bootstrap,
        "catalog.agencies.v1",
        mine(catalog, "agency.lineage_changed"),
        want=1,
        grace=2,
    )
    payload = event["payload"]
    assert (payload["kind"], payload["agency_code"], payload["effective_from"]) == (
        "merge",
        "SNNMT",
        "2025-03-01",
    )
    assert payload["decision_no"] == "500/QĐ-UBND"
    assert sorted(m["ma_tthc"] for m in payload["procedures"]) == [
        "1.100001",
        "1.100002",
        "1.100003",
    ]
    onboarded = await read_until(
        kafka_bootstrap,
        "catalog.agencies.v1",
        mine(catalog, "department.fully_onboarded"),
        want=3,
        grace=2,
    )
    # STNMT and SNNPTNT were onboarded by the 2023 decision, SNNMT by the merge; the closed ones
    # are not "reopened".
    assert sorted(e["payload"]["agency_code"] for e in onboarded) == ["SNNMT", "SNNPTNT", "STNMT"]
    reopened = await read_until(
        kafka_bootstrap,
        "catalog.agencies.v1",
        mine(catalog, "department.onboarding_reopened"),
        want=0,
        grace=2,
    )
    assert reopened == []

    again = await lineage(catalog, merge)
    assert again.status_code == 409
    assert refusal(again)["code"] == "decision_already_applied"
    # A 2025 import naming a department that ended is refused with its successor to look up.
    async with client(catalog, "recorder") as http:
        late = await http.post(
            "/v1/decisions",
            json={
                "decision_no": "501/QĐ-UBND",
                "signed_on": "2025-04-01",
                "recorded_by": "vp",
                "rows": [row("1.100009", "STNMT")],
            },
        )
    assert late.status_code == 422
    assert "đã chấm dứt từ 2025-03-01" in late.text


async def test_a_split_names_where_each_procedure_goes(
    catalog_2023: RunningService, kafka_bootstrap: str
) -> None:
    catalog = catalog_2023
    split = {
        "decision_no": "600/QĐ-UBND",
        "signed_on": "2025-02-26",
        "effective_from": "2025-03-01",
        "changes": [
            {
                "kind": "split",
                "predecessors": ["SLDTBXH"],
                "successors": ["SNV", "SYT", "SGDDT"],
                "procedures": {"1.100004": "SNV", "1.100005": "SYT"},
            }
        ],
    }
    incomplete = await lineage(catalog, split)
    assert incomplete.status_code == 422
    detail = refusal(incomplete)
    assert detail["code"] == "split_unassigned" and "1.100006" in detail["message"]

    split["changes"][0]["procedures"]["1.100006"] = "SGDDT"  # type: ignore[index]
    applied = await lineage(catalog, split)
    assert applied.status_code == 200, applied.text
    after = await organisation(catalog, "2025-03-01")
    assert "SLDTBXH" not in after
    assert (
        after["SNV"]["procedures"],
        after["SYT"]["procedures"],
        after["SGDDT"]["procedures"],
    ) == (
        1,
        1,
        1,
    )
    before = await organisation(catalog, "2025-02-28")
    assert before["SLDTBXH"]["procedures"] == 3
    async with client(catalog, "office") as http:
        moved = (await http.get("/v1/procedures/1.100006")).json()
        assert moved["in_force"]["agency_code"] == "SGDDT"
        assert moved["in_force"]["placement"] == "pending"  # what it was, kept with the move
        listed = (await http.get("/v1/lineage", params={"agency": "SLDTBXH"})).json()
    assert [(c["kind"], c["successors"], c["procedures_moved"]) for c in listed] == [
        ("split", ["SNV", "SYT", "SGDDT"], 3)
    ]
    [event] = await read_until(
        kafka_bootstrap,
        "catalog.agencies.v1",
        lambda v: mine(catalog, "agency.lineage_changed")(v) and v["payload"]["kind"] == "split",
        want=1,
        grace=2,
    )
    assert {m["ma_tthc"]: m["to_agency"] for m in event["payload"]["procedures"]} == {
        "1.100004": "SNV",
        "1.100005": "SYT",
        "1.100006": "SGDDT",
    }


async def test_the_district_level_ends_on_1_july_2025(
    catalog_2023: RunningService, kafka_bootstrap: str
) -> None:
    catalog = catalog_2023
    async with client(catalog, "catalog") as http:
        ward = await http.put(
            "/v1/receiving-places/P-NINHKIEU",
            json={"name": "UBND phường Ninh Kiều", "active_from": "2025-07-01"},
        )
    assert ward.status_code == 200, ward.text
    async with client(catalog, "catalog") as http:
        # A department marked as a receiving place stays a department at the city level.
        marked = await http.put("/v1/receiving-places/SXD", json={"name": "Sở Xây dựng"})
    assert marked.status_code == 200, marked.text
    abolition = {
        "decision_no": "1/NQ-HĐND-2025",
        "signed_on": "2025-06-30",
        "effective_from": "2025-07-01",
        "reason": "Chính quyền địa phương hai cấp",
        "abolish_district_level": True,
        "changes": [
            {
                "kind": "split",
                "predecessors": ["UBND-NK"],
                "successors": ["P-NINHKIEU", "SXD"],
                "procedures": {"2.100001": "P-NINHKIEU", "2.100002": "SXD"},
            }
        ],
        "levels": {"2.100002": "city"},
    }
    left = await lineage(catalog, abolition)
    assert left.status_code == 422
    assert refusal(left)["code"] == "district_procedures_remaining"

    applied = await lineage(catalog, {**abolition, "district_default_level": "commune"})
    assert applied.status_code == 200, applied.text
    assert applied.json()["agencies_closed"] == ["UBND-NK"]

    before, after = (
        await organisation(catalog, "2025-06-30"),
        await organisation(catalog, "2025-07-01"),
    )
    assert before["UBND-NK"]["procedures"] == 2 and "P-NINHKIEU" not in before
    assert "UBND-NK" not in after
    assert after["P-NINHKIEU"]["receiving_place"] and after["P-NINHKIEU"]["level"] == "commune"
    async with client(catalog, "office") as http:
        places = (await http.get("/v1/receiving-places", params={"as_of": "2025-07-01"})).json()
        assert {p["agency_code"]: (p["kind"], p["level"]) for p in places} == {
            "P-NINHKIEU": ("commune", "commune"),
            "SXD": ("department", "city"),
        }
        for code, owner, level in (("2.100001", "P-NINHKIEU", "xa"), ("2.100002", "SXD", "tinh")):
            found = (await http.get(f"/v1/procedures/{code}")).json()
            assert (found["in_force"]["agency_code"], found["in_force"]["cap_thuc_hien"]) == (
                owner,
                level,
            )
            old = (await http.get(f"/v1/procedures/{code}", params={"as_of": "2025-06-30"})).json()
            assert old["in_force"]["cap_thuc_hien"] == "huyen"
            # Moved once: one version from the 2023 decision, one from the abolition.
            assert [h["decision_no"] for h in found["history"]] == [
                "100/QĐ-UBND",
                "1/NQ-HĐND-2025",
            ]

    changed = await read_until(
        kafka_bootstrap,
        "catalog.procedures.v1",
        lambda v: (
            mine(catalog, "procedure.changed")(v)
            and v["payload"]["decision_no"] == "1/NQ-HĐND-2025"
        ),
        want=2,
        grace=2,
    )
    assert sorted((e["payload"]["ma_tthc"], e["payload"]["level"]) for e in changed) == [
        ("2.100001", "commune"),
        ("2.100002", "city"),
    ]
    closed = await read_until(
        kafka_bootstrap,
        "catalog.agencies.v1",
        lambda v: (
            mine(catalog, "agency.registered")(v)
            and v["payload"]["agency_code"] == "UBND-NK"
            and v["payload"].get("closed_from")
        ),
        want=1,
        grace=1,
    )
    assert closed[0]["payload"]["closed_from"] == "2025-07-01"
    again = await lineage(catalog, {**abolition, "decision_no": "2/NQ-HĐND-2025"})
    assert again.status_code == 422  # nothing left at the district level to move twice
    assert refusal(again)["code"] == "agency_not_active"
