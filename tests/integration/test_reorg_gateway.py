"""The 2025 reorganisation through the gateway, on the real broker and database.

Two departments merge into one on a date and one department splits in two (catalog events
agency.lineage_changed, as catalog-service publishes them). A predecessor's old API key keeps
working during the transition period the operator sets, bound to the successor: the dossier
events carry the successor, the audit log the predecessor. After the period the old key is
refused with a stable code. The successor holds its predecessors' dossiers and numbering.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer

from integration_gateway.domain.identity import sign
from pasc_contracts import now_vn
from pasc_contracts.events.catalog import (
    AgencyLineage,
    AgencyLineageChanged,
    LineageKind,
    Procedure,
    ProcedureChanged,
    ProcedureMove,
)
from support import keycloak
from support.catalog import procedure, teach_gateway
from support.kafka import publish, read_until
from support.processes import RunningService, run_service

pytestmark = pytest.mark.integration

MERGED_ON = date(2025, 3, 1)


@pytest.fixture(scope="module")
def gateway(kafka_bootstrap: str, database_url: str) -> Iterator[RunningService]:
    with run_service(
        "integration_gateway", kafka=kafka_bootstrap, database_url=database_url
    ) as service:
        yield service


def run_codes() -> dict[str, str]:
    tag = "".join(random.choices(string.ascii_uppercase, k=5))
    names = ("A", "B", "S", "X", "Y", "Z", "D")
    return {n: f"T{n}{tag}" for n in names}


def moved(p: Procedure, to: str) -> Procedure:
    return p.model_copy(update={"agency_code": to, "catalog_version": p.catalog_version + 1})


def lineage(
    kind: LineageKind,
    before: list[str],
    after: list[str],
    decision: str,
    moves: list[ProcedureMove] | None = None,
) -> AgencyLineageChanged:
    key = after[0] if kind in (LineageKind.RENAME, LineageKind.MERGE) else before[0]
    return AgencyLineageChanged(
        producer="catalog-service",
        payload=AgencyLineage(
            agency_code=key,
            kind=kind,
            predecessors=before,
            successors=after,
            effective_from=MERGED_ON,
            decision_no=decision,
            signed_on=MERGED_ON - timedelta(days=10),
            signer="Chủ tịch UBND thành phố",
            recorded_by="test",
            procedures=moves or [],
        ),
    )


def record(ma_ho_so: str, ma_tthc: str, **changes: Any) -> dict[str, Any]:
    received = now_vn() - timedelta(days=3)
    return {
        "MaHoSo": ma_ho_so,
        "MaTTHC": ma_tthc,
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Văn An",
        "SoGiayToChuHoSo": "092123456789",
        "NgayTiepNhan": received.strftime("%Y%m%d%H%M%S"),
        "NgayHenTra": (received + timedelta(days=10)).strftime("%Y%m%d%H%M%S"),
        "TrangThaiHoSo": 2,
        **changes,
    }


async def send(client: httpx.AsyncClient, key: str, *records: dict[str, Any]) -> httpx.Response:
    return await client.post(
        "/v1/dvcqg/DongBoHoSoMC",
        json={"service": "DongBoHoSoMC", "isUpdating": "False", "data": list(records)},
        headers={"X-API-Key": key},
    )


async def wait_successions(database_url: str, gateway: RunningService, codes: list[str]) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(600):
            n = await conn.fetchval(
                f"SELECT count(*) FROM {gateway.schema}.agency_successions"
                " WHERE predecessor = ANY($1::text[])",
                codes,
            )
            if n == len(codes):
                return
            await asyncio.sleep(0.2)
    finally:
        await conn.close()
    raise AssertionError(f"the gateway never learned the lineage of {codes}")


async def send_signed(kafka: str, agency: str, key: str, *records: dict[str, Any]) -> None:
    """One DongBoHoSoMC body on the signed Kafka ingress, as a department system sends it."""
    value = json.dumps({"service": "DongBoHoSoMC", "isUpdating": "False", "data": list(records)})
    stamp, message_id = str(int(time.time())), f"reorg-{uuid.uuid4().hex}"
    headers = [
        ("x-pasc-agency", agency.encode()),
        ("x-pasc-timestamp", stamp.encode()),
        ("x-pasc-message-id", message_id.encode()),
        ("x-pasc-signature", sign(key, stamp, message_id, value.encode()).encode()),
    ]
    producer = AIOKafkaProducer(bootstrap_servers=kafka, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            "gateway.ingress.dvcqg.v1", value.encode(), key=agency.encode(), headers=headers
        )
    finally:
        await producer.stop()


async def backdate_keys(database_url: str, gateway: RunningService, agencies: list[str]) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            f"UPDATE {gateway.schema}.api_keys SET created_at = '2024-06-01T08:00:00+07:00'"
            " WHERE agency_code = ANY($1::text[])",
            agencies,
        )
    finally:
        await conn.close()


def accepted(response: httpx.Response) -> list[bool]:
    assert response.status_code == 200, response.text
    return [r["accepted"] for r in response.json()["results"]]


async def agencies_of(kafka: str, numbers: set[str], want: int) -> dict[str, set[str]]:
    """The agencies the dossier events of these numbers carry."""
    found = await read_until(
        kafka,
        "dossier.lifecycle.v1",
        lambda v: v.get("payload", {}).get("dossier", {}).get("ma_ho_so") in numbers,
        want=want,
        grace=1,
    )
    by_number: dict[str, set[str]] = {}
    for event in found:
        dossier = event["payload"]["dossier"]
        sent_as = event["payload"].get("sent_as")
        by_number.setdefault(dossier["ma_ho_so"], set()).add(
            f"{dossier['agency_code']} sent as {sent_as}" if sent_as else dossier["agency_code"]
        )
    return by_number


async def test_merge_and_split_bind_old_keys_to_successors_then_refuse(
    gateway: RunningService, kafka_bootstrap: str, database_url: str
) -> None:
    c = run_codes()
    rng = random.Random()
    p = {n: procedure(f"3.{rng.randrange(10**6):06d}", c[n]) for n in ("A", "B", "X")}
    p["X2"] = procedure(f"3.{rng.randrange(10**6):06d}", c["X"])
    await teach_gateway(kafka_bootstrap, database_url, gateway, list(p.values()))
    operator = keycloak.auth("operator")
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        keys = {}
        for n in ("A", "B", "S", "X", "D"):
            issued = await client.post("/admin/keys", json={"agency": c[n]}, auth=operator)
            assert issued.status_code == 201, issued.text
            keys[n] = issued.json()["api_key"]

        # Before the reorganisation is known: each department sends under its own code.
        a1, b1 = f"{c['A']}-2024-0001", f"{c['B']}-2024-0001"
        assert accepted(await send(client, keys["A"], record(a1, p["A"].ma_tthc))) == [True]
        assert accepted(await send(client, keys["B"], record(b1, p["B"].ma_tthc))) == [True]
        assert await agencies_of(kafka_bootstrap, {a1, b1}, 2) == {a1: {c["A"]}, b1: {c["B"]}}

        # The merge (A + B -> S) and the split (X -> Y, Z) as the catalog publishes them:
        # the lineage, then each moved procedure with its new owner (B's is left unmoved).
        await publish(
            kafka_bootstrap,
            [
                lineage(LineageKind.MERGE, [c["A"], c["B"]], [c["S"]], f"M{c['S']}/QĐ-UBND"),
                lineage(
                    LineageKind.SPLIT,
                    [c["X"]],
                    [c["Y"], c["Z"]],
                    f"S{c['X']}/QĐ-UBND",
                    [
                        ProcedureMove(ma_tthc=p["X"].ma_tthc, from_agency=c["X"], to_agency=c["Y"]),
                        ProcedureMove(
                            ma_tthc=p["X2"].ma_tthc, from_agency=c["X"], to_agency=c["Z"]
                        ),
                    ],
                ),
                # The district level's abolition closes a district (its procedures went to
                # communes and the city by their own versions).
                lineage(LineageKind.CLOSE, [c["D"]], [], f"D{c['D']}/QĐ-UBND"),
            ],
        )
        moves = [moved(p["A"], c["S"]), moved(p["X"], c["Y"]), moved(p["X2"], c["Z"])]
        await publish(
            kafka_bootstrap,
            [ProcedureChanged(producer="catalog-service", payload=m) for m in moves],
        )
        await wait_successions(database_url, gateway, [c["A"], c["B"], c["X"], c["D"]])
        # The departments' keys were issued long before the reorganisation.
        await backdate_keys(database_url, gateway, [c[n] for n in ("A", "B", "S", "X", "D")])
        closed = await send(client, keys["D"], record(f"{c['D']}-2026-0001", p["A"].ma_tthc))
        assert (closed.status_code, closed.json()["code"]) == (403, "key_of_closed_agency")
        assert "giải thể" in closed.json()["message"]

        # The merge took effect in 2025: the default transition (180 days) is over for all.
        refused = await send(client, keys["B"], record(f"{c['B']}-2026-0001", p["B"].ma_tthc))
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "agency_transition_ended"
        assert c["S"] in refused.json()["message"] and "khóa API" in refused.json()["message"]

        # The operator extends A's and X's transition: their old keys work again, bound.
        until = (now_vn() + timedelta(days=30)).date()
        for n in ("A", "X"):
            set_ = await client.put(
                f"/admin/lineage/{c[n]}", json={"accepted_until": until.isoformat()}, auth=operator
            )
            assert set_.status_code == 200, set_.text
        unknown = await client.put(
            f"/admin/lineage/{c['S']}", json={"accepted_until": until.isoformat()}, auth=operator
        )
        assert (unknown.status_code, unknown.json()["code"]) == (404, "agency_not_succeeded")
        listed = {
            r["agency"]: r for r in (await client.get("/admin/lineage", auth=operator)).json()
        }
        assert listed[c["A"]]["accepted_until"] == until.isoformat()
        assert listed[c["A"]]["successors"] == [c["S"]] and listed[c["A"]]["set_by_operator"]

        # A's old key: a new dossier under A's numbering (its procedure now S's) and an update
        # of A's 2024 dossier; both bound to S.
        a2 = f"{c['A']}-2026-0002"
        sent = await send(
            client,
            keys["A"],
            record(a2, p["A"].ma_tthc),
            record(a1, p["A"].ma_tthc, TrangThaiHoSo=4),
        )
        assert accepted(sent) == [True, True]
        # S's own key holds B's dossier and numbering (B's procedure not yet moved in the
        # catalog still counts as S's) ...
        b2 = f"{c['B']}-2026-0002"
        sent = await send(
            client,
            keys["S"],
            record(b1, p["B"].ma_tthc, TrangThaiHoSo=4),
            record(b2, p["B"].ma_tthc),
        )
        assert accepted(sent) == [True, True]
        # ... and a stranger still may not use S's predecessors' numbering.
        x_tries = await send(client, keys["X"], record(f"{c['A']}-2026-0009", p["X"].ma_tthc))
        assert accepted(x_tries) == [False]

        # The split: X's old key, each record bound to the successor that owns its procedure.
        x1, x2 = f"{c['X']}-2026-0001", f"{c['X']}-2026-0002"
        sent = await send(
            client, keys["X"], record(x1, p["X"].ma_tthc), record(x2, p["X2"].ma_tthc)
        )
        assert accepted(sent) == [True, True]

        # The signed Kafka ingress binds the same way: A's old key is bound, B's refused.
        a3, b3 = f"{c['A']}-2026-0003", f"{c['B']}-2026-0003"
        await send_signed(kafka_bootstrap, c["A"], keys["A"], record(a3, p["A"].ma_tthc))
        await send_signed(kafka_bootstrap, c["B"], keys["B"], record(b3, p["B"].ma_tthc))
        letters = await read_until(
            kafka_bootstrap,
            "deadletter.v1",
            lambda v: (
                v.get("payload", {}).get("consumer_group")
                == gateway.group_for("gateway.ingress.dvcqg.v1")
                and "agency_transition_ended" in str(v["payload"].get("error"))
                and c["B"] in str(v["payload"].get("error"))
            ),
            want=1,
            timeout=60,
        )
        assert len(letters) == 1

        # A key the operator issues for B after the merge (to load B's history, say) is
        # B's own: never bound, never refused; the answer warns.
        late = await client.post("/admin/keys", json={"agency": c["B"]}, auth=operator)
        assert late.status_code == 201 and c["S"] in late.json()["warning"], late.text
        b4 = f"{c['B']}-2024-0004"
        history = record(b4, p["B"].ma_tthc, NgayTiepNhan="20240910090000")
        history["NgayHenTra"] = "20240920170000"
        assert accepted(await send(client, late.json()["api_key"], history)) == [True]

        numbers = {a1, a2, a3, b1, b2, b3, b4, x1, x2}
        seen = await agencies_of(kafka_bootstrap, numbers, 2 + 8)
        assert seen[b4] == {c["B"]}
        assert seen[a3] == {f"{c['S']} sent as {c['A']}"} and b3 not in seen
        # The events carry the successor, and the predecessor whose key sent them.
        assert seen[a2] == {f"{c['S']} sent as {c['A']}"} and seen[b2] == {c["S"]}
        assert seen[a1] == {c["A"], f"{c['S']} sent as {c['A']}"}
        assert seen[b1] == {c["B"], c["S"]}  # S's own key: no predecessor to name
        assert seen[x1] == {f"{c['Y']} sent as {c['X']}"}
        assert seen[x2] == {f"{c['Z']} sent as {c['X']}"}

        entries = (
            await client.get("/admin/audit", params={"agency": c["S"]}, auth=operator)
        ).json()
        details = [
            json.loads(d) if isinstance(d, str) else d for d in (e["details"] for e in entries)
        ]
        assert any(d.get("sent_as") == c["A"] for d in details), entries

    conn = await asyncpg.connect(database_url)
    try:
        owners = dict(
            await conn.fetch(
                f"SELECT ma_ho_so, agency_code FROM {gateway.schema}.dossier_owners"
                " WHERE ma_ho_so = ANY($1::text[])",
                [a1, b1],
            )
        )
    finally:
        await conn.close()
    assert owners == {a1: c["S"], b1: c["S"]}  # ownership followed the lineage
