"""catalog-service on the real broker and database: imports, decisions, onboarding events.

The service runs as a real process with its own schema; its events are told apart from other
runs' by their `producer` (the test service's unique name).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from pasc_contracts import decode, topic
from support import keycloak
from support.kafka import read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

COLUMNS = (
    "ma_tthc,ten_tthc,ma_linh_vuc,ten_linh_vuc,ma_co_quan,ten_co_quan,cap_thuc_hien,"
    "tiep_nhan_tai_trung_tam,ly_do_khong_tiep_nhan,muc_do_dvc,thoi_han_giai_quyet"
).split(",")
CATALOG_TOPICS = ("catalog.procedures.v1", "catalog.decisions.v1", "catalog.agencies.v1")


@pytest.fixture(scope="module")
def catalog(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service("catalog_service", kafka=kafka_bootstrap, database_url=database_url) as svc:
        yield svc


def row(code: str, name: str, agency: str, at_center: bool = True, ground: str = "") -> list[str]:
    field = {"SKHCN": "Hoạt động khoa học và công nghệ", "SXD": "Hoạt động xây dựng"}
    return [
        code,
        name,
        f"{agency}-LV",
        field.get(agency, "Lĩnh vực khác"),
        agency,
        "",
        "tinh",
        "1" if at_center else "0",
        ground,
        "toan_trinh",
        "15",
    ]


def csv_of(*rows: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode()


def first_catalog(skhcn_b_at_center: bool) -> bytes:
    return csv_of(
        row("1.000101", "Cấp giấy chứng nhận doanh nghiệp khoa học và công nghệ", "SKHCN"),
        row("1.000102", "Đăng ký hợp đồng chuyển giao công nghệ", "SKHCN", skhcn_b_at_center),
        row("2.000201", "Cho phép tổ chức hội nghị, hội thảo quốc tế", "SNGV"),
        row("1.000301", "Khám giám định mức độ khuyết tật", "SYT", False, "a"),
        row("1.001234", "Cấp giấy phép xây dựng", "SXD"),
    )


async def import_csv(
    service: RunningService, body: bytes, decision_no: str, day: str
) -> dict[str, Any]:
    async with httpx.AsyncClient(
        base_url=service.url, timeout=30, auth=keycloak.auth("catalog")
    ) as client:
        response = await client.post(
            "/v1/imports",
            params={
                "decision_no": decision_no,
                "signed_on": day,
                "recorded_by": "test",
                "reason": "integration test",
            },
            content=body,
            headers={"content-type": "text/csv"},
        )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def outbox(database_url: str, service: RunningService) -> dict[str, int]:
    """Events the service staged, per topic."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            f"SELECT topic, count(*) FROM {service.schema}.outbox GROUP BY topic"
        )
    finally:
        await conn.close()
    return {r["topic"]: r["count"] for r in rows}


def mine(service: RunningService, event_type: str | None = None, agency: str | None = None) -> Any:
    def match(value: dict[str, Any]) -> bool:
        return (
            value.get("producer") == service.name
            and (event_type is None or value.get("event_type") == event_type)
            and (agency is None or value.get("payload", {}).get("agency_code") == agency)
        )

    return match


async def published(kafka: str, service: RunningService, want: dict[str, int]) -> dict[str, int]:
    """The service's events on each catalog topic, read until `want` (and a little longer)."""
    return {
        name: len(await read_until(kafka, name, mine(service), want=want.get(name, 0), grace=1))
        for name in CATALOG_TOPICS
    }


async def test_department_fully_onboarded_fires_once_when_its_last_procedure_moves(
    catalog: RunningService, kafka_bootstrap: str, database_url: str
) -> None:
    first = await import_csv(catalog, first_catalog(False), "101/QĐ-UBND", "2023-04-10")
    assert first["applied"] and first["counts"]["created"] == 5

    second_file = first_catalog(True)
    second = await import_csv(catalog, second_file, "202/QĐ-UBND", "2023-06-01")
    assert second["counts"] == {
        "created": 0,
        "changed": 1,
        "unchanged": 4,
        "withdrawn": 0,
        "rejected": 0,
    }
    (changed,) = [r for r in second["rows"] if r["outcome"] == "changed"]
    assert (changed["line"], changed["ma_tthc"], changed["changed_fields"]) == (
        3,
        "1.000102",
        ["at_center"],
    )

    onboarded = await read_until(
        kafka_bootstrap,
        "catalog.agencies.v1",
        mine(catalog, "department.fully_onboarded", "SKHCN"),
        want=1,
        grace=3,
    )
    assert len(onboarded) == 1
    event = decode(json.dumps(onboarded[0]).encode(), topic("catalog.agencies.v1"))
    payload = event.payload  # type: ignore[attr-defined]
    assert (payload.eligible, payload.at_center, payload.excluded) == (2, 2, 0)
    assert payload.decision_no == "202/QĐ-UBND"
    assert str(payload.as_of) == "2023-06-01"

    # Re-importing the same file: everything unchanged, nothing staged, nothing published.
    staged = await outbox(database_url, catalog)
    assert await published(kafka_bootstrap, catalog, staged) == staged
    again = await import_csv(catalog, second_file, "202/QĐ-UBND", "2023-06-01")
    assert again["counts"]["unchanged"] == 5 and not again["applied"]
    assert await outbox(database_url, catalog) == staged
    assert await published(kafka_bootstrap, catalog, staged) == staged


async def test_search_history_and_coverage_as_of_a_date(catalog: RunningService) -> None:
    async with httpx.AsyncClient(base_url=catalog.url, auth=keycloak.auth("office")) as client:
        found = (await client.get("/v1/procedures", params={"q": "cap giay phep xay dung"})).json()
        assert found["items"][0]["ten_tthc"] == "Cấp giấy phép xây dựng"
        assert found["items"][0]["ma_tthc"] == "1.001234"

        one = (await client.get("/v1/procedures/1.000102")).json()
        assert [(h["version"], h["decision_no"]) for h in one["history"]] == [
            (1, "101/QĐ-UBND"),
            (2, "202/QĐ-UBND"),
        ]
        assert one["history"][1]["changed_fields"] == ["at_center"]
        assert one["history"][1]["changed_by"] == "test"
        back_then = (
            await client.get("/v1/procedures/1.000102", params={"as_of": "2023-05-01"})
        ).json()
        assert back_then["in_force"]["placement"] == "pending"

        before = (await client.get("/v1/coverage/SKHCN", params={"as_of": "2023-05-01"})).json()
        assert (before["eligible"], before["at_center"], before["percent_at_center"]) == (
            2,
            1,
            50.0,
        )
        city = (await client.get("/v1/coverage", params={"as_of": "2023-06-01"})).json()["city"]
        assert (city["eligible"], city["at_center"], city["excluded"]) == (4, 4, 1)

        public = (await client.get("/v1/public/procedures", params={"q": "giam dinh"})).json()
        assert public["total"] == 0  # excluded procedures are not on the Center's page
        page = (await client.get("/v1/public/procedures", params={"agency": "SXD"})).json()
        assert set(page["items"][0]) == {
            "ma_tthc",
            "ten_tthc",
            "linh_vuc",
            "co_quan",
            "cap_thuc_hien",
            "muc_do_dvc",
            "thoi_han_giai_quyet",
            "phi_le_phi",
        }


async def test_the_catalog_as_of_a_date_cites_the_exclusion_ground_in_force_then(
    catalog: RunningService,
) -> None:
    # 1.000301 was excluded (point a) by a 2023 decision, under Decree 61/2018. Decree
    # 118/2025/NĐ-CP replaced it on 01/07/2025: the catalog as of a day cites the one in force.
    def cited(procedure: dict[str, Any]) -> tuple[str, str | None, str | None, str | None]:
        basis = procedure["exclusion"]
        return basis["document"], basis["article"], basis["clause"], basis["point"]

    async with httpx.AsyncClient(base_url=catalog.url, auth=keycloak.auth("office")) as client:
        for day, expected in (
            ("2024-06-01", ("61/2018/NĐ-CP", "14", "5", "a")),
            ("2025-06-30", ("61/2018/NĐ-CP", "14", "5", "a")),
            ("2025-08-01", ("118/2025/NĐ-CP", "14", None, None)),
        ):
            one = (await client.get("/v1/procedures/1.000301", params={"as_of": day})).json()
            assert cited(one["in_force"]) == expected, day
            listed = (
                await client.get("/v1/procedures", params={"ma_tthc": "1.000301", "as_of": day})
            ).json()
            assert cited(listed["items"][0]) == expected, day
            exported = (
                await client.get("/v1/export", params={"format": "json", "as_of": day})
            ).json()
            excluded = [p for p in exported if p["exclusion"] is not None]
            assert excluded and all(cited(p)[0] == expected[0] for p in excluded), day
        later = (await client.get("/v1/procedures/1.000301", params={"as_of": "2025-08-01"})).json()
        assert "118/2025/NĐ-CP" in later["in_force"]["exclusion"]["reason"]
        # What the 2023 decision cited stays in the history.
        assert cited(later["history"][0]["procedure"]) == ("61/2018/NĐ-CP", "14", "5", "a")


async def test_bad_rows_are_reported_by_line_and_good_rows_applied(
    catalog: RunningService,
) -> None:
    body = csv_of(
        row("1.000401", "Cấp giấy phép bưu chính", "STTTT"),
        row("1.000402", "Thủ tục của cơ quan lạ", "SXYZ"),
        row("1.4", "Mã sai định dạng", "STTTT"),
        row("1.000404", "Loại trừ không căn cứ", "STTTT", False, "c"),
        row("1.000405", "Trùng mã", "STTTT"),
        row("1.000405", "Trùng mã nhưng khác tên", "STTTT"),
    )
    report = await import_csv(catalog, body, "303/QĐ-UBND", "2023-07-01")
    assert report["applied"]
    by_line = {r["line"]: r for r in report["rows"]}
    assert by_line[2]["outcome"] == "created"
    for line, column in ((3, "ma_co_quan"), (4, "ma_tthc"), (5, "ly_do_khong_tiep_nhan")):
        assert by_line[line]["outcome"] == "rejected"
        assert column in by_line[line]["reason"]
    assert by_line[6]["outcome"] == by_line[7]["outcome"] == "rejected"
    assert "dòng 6, 7" in by_line[6]["reason"]
    async with httpx.AsyncClient(base_url=catalog.url, auth=keycloak.auth("office")) as client:
        assert (await client.get("/v1/procedures/1.000401")).status_code == 200
        assert (await client.get("/v1/procedures/1.000405")).status_code == 404


async def test_a_decision_withdrawing_an_unknown_procedure_is_refused_whole(
    catalog: RunningService, database_url: str
) -> None:
    staged = await outbox(database_url, catalog)
    async with httpx.AsyncClient(base_url=catalog.url, auth=keycloak.auth("recorder")) as client:
        response = await client.post(
            "/v1/decisions",
            json={
                "decision_no": "404/QĐ-UBND",
                "signed_on": "2023-08-01",
                "recorded_by": "test",
                "withdraw": ["1.000401", "1.999999"],
            },
        )
        assert response.status_code == 422
        refusal = response.json()
        assert (refusal["error_code"], refusal["code"]) == ("422", "decision_content_invalid")
        assert refusal["message"].startswith(
            "quyết định 404/QĐ-UBND có nội dung không hợp lệ; không áp dụng: 1.999999 (từ chối): "
        )
        assert "1.000401" not in refusal["message"]  # only what is at fault is listed
        still = (await client.get("/v1/procedures/1.000401")).json()
        assert still["in_force"] is not None and len(still["history"]) == 1
    assert await outbox(database_url, catalog) == staged


async def test_onboarding_reopens_and_a_proposal_takes_effect_only_when_approved(
    catalog: RunningService, kafka_bootstrap: str
) -> None:
    new_row = dict(
        zip(
            COLUMNS,
            row("1.000409", "Cấp giấy phép thiết lập mạng viễn thông", "STTTT", False),
            strict=True,
        )
    )
    async with httpx.AsyncClient(base_url=catalog.url, auth=keycloak.auth("recorder")) as client:
        # STTTT is fully onboarded (1.000401); a decision gives it a procedure not yet moved.
        gained = await client.post(
            "/v1/decisions",
            json={
                "decision_no": "505/QĐ-UBND",
                "signed_on": "2023-09-01",
                "recorded_by": "test",
                "rows": [new_row],
            },
        )
        assert gained.status_code == 200, gained.text
        proposal = await client.post(
            "/v1/proposals",
            auth=keycloak.auth("catalog"),
            json={
                "agency_code": "STTTT",
                "submitted_by": "Sở Thông tin và Truyền thông",
                "rows": [{**new_row, "tiep_nhan_tai_trung_tam": "1"}],
            },
        )
        assert proposal.status_code == 201, proposal.text
        pending = (await client.get("/v1/procedures/1.000409")).json()["in_force"]
        assert pending["placement"] == "pending"  # proposed, not approved: no effect
        approved = await client.post(
            "/v1/decisions",
            json={
                "decision_no": "606/QĐ-UBND",
                "signed_on": "2023-10-01",
                "recorded_by": "test",
                "approve": [{"proposal_id": proposal.json()["proposal_id"]}],
            },
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["counts"]["changed"] == 1
        moved = (await client.get("/v1/procedures/1.000409")).json()["in_force"]
        assert moved["placement"] == "at_center" and moved["decision_no"] == "606/QĐ-UBND"

    kinds = [
        (e["event_type"], e["payload"]["decision_no"])
        for e in await read_until(
            kafka_bootstrap,
            "catalog.agencies.v1",
            lambda v: (
                mine(catalog, agency="STTTT")(v) and v["event_type"].startswith("department.")
            ),
            want=3,
            grace=2,
        )
    ]
    assert kinds == [
        ("department.fully_onboarded", "303/QĐ-UBND"),
        ("department.onboarding_reopened", "505/QĐ-UBND"),
        ("department.fully_onboarded", "606/QĐ-UBND"),
    ]


async def test_a_decision_number_applies_once_and_a_dry_run_applies_nothing(
    catalog: RunningService, database_url: str
) -> None:
    staged = await outbox(database_url, catalog)
    body = csv_of(row("1.000701", "Cấp giấy phép hoạt động in", "STTTT"))
    async with httpx.AsyncClient(base_url=catalog.url, auth=keycloak.auth("catalog")) as client:
        params = {"recorded_by": "test", "signed_on": "2023-11-01"}
        dry = await client.post(
            "/v1/imports",
            params={**params, "decision_no": "707/QĐ-UBND", "dry_run": "true"},
            content=body,
            headers={"content-type": "text/csv"},
        )
        assert dry.status_code == 200
        assert (dry.json()["applied"], dry.json()["counts"]["created"]) == (False, 1)
        assert (await client.get("/v1/procedures/1.000701")).status_code == 404

        reused = await client.post(
            "/v1/imports",
            params={**params, "decision_no": "101/QĐ-UBND"},
            content=body,
            headers={"content-type": "text/csv"},
        )
        assert reused.status_code == 409
        conflict = reused.json()
        assert (conflict["code"], conflict["field"]) == ("decision_already_applied", "decision_no")
        assert conflict["message"].startswith("quyết định 101/QĐ-UBND đã được áp dụng lúc ")
        assert (
            "thay đổi mới cần một quyết định mới: dòng 2 1.000701 (tạo mới)." in conflict["message"]
        )
    assert await outbox(database_url, catalog) == staged
