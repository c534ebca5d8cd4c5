"""Copies of DVCQG bodies that leave the gateway keep no applicant's data, and say what was there."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from integration_gateway.app.identity import IngressVerifier
from integration_gateway.domain.identity import sign
from integration_gateway.domain.personal_data import REDACTED, redact_body
from pasc_contracts.codec import DecodeError
from pasc_runtime.deadletter import DeadLetters, Failure
from pasc_runtime.metrics import PlatformMetrics
from pasc_simulator.catalog import SimProcedure
from pasc_simulator.lifecycle import simulate_month

PROCEDURES = [
    SimProcedure("1.000001", "Cấp giấy phép xây dựng", "XD", "Xây dựng", "SXD", "toan_trinh", 10),
    SimProcedure("1.000002", "Chứng thực bản sao", "CT", "Chứng thực", "STP", "mot_phan", 3),
]


def _personal(record: dict[str, Any]) -> list[str]:
    return [record[k] for k in ("ChuHoSo", "SoGiayToChuHoSo", "Email", "SoDienThoai")]


def test_simulated_records_lose_every_personal_value_and_keep_the_dossier_facts() -> None:
    month = simulate_month(PROCEDURES, dossiers=200, year=2023, month=5, seed=7)
    records = [s.record for s in month.syncs]
    raw = json.dumps(
        {"service": "DongBoHoSoMC", "isUpdating": "True", "data": records}, ensure_ascii=False
    ).encode()
    redacted = redact_body(raw).decode()
    for record in records:
        for value in _personal(record):
            assert value not in redacted
    kept = json.loads(redacted)
    assert kept["service"] == "DongBoHoSoMC"
    first = kept["data"][0]
    assert first["MaHoSo"] == records[0]["MaHoSo"]
    assert first["NgayTiepNhan"] == records[0]["NgayTiepNhan"]
    assert first["ChuHoSo"] == REDACTED
    assert first["SoGiayToChuHoSo"] == REDACTED


def test_unknown_and_nested_fields_are_hidden_by_default() -> None:
    body = {
        "service": "DongBoHoSoMC",
        "data": [
            {
                "MaHoSo": "X-1",
                "DiaChiThuongTru": "12 Hòa Bình, Ninh Kiều",
                "TaiLieuNop": [
                    {"MaThanhPhanHoSo": "TP1", "TenTepDinhKem": "cccd-nguyen-van-an.pdf"}
                ],
                "DanhSachHoSoBoSung": [
                    {"NgayBoSung": "20230403083000", "NguoiYeuCauBoSung": "Lê B"}
                ],
                "TrangThaiHoSo": {"nested": "0912345678"},
            },
            "092123456789",
        ],
        "extra": {"Email": "an@example.vn"},
    }
    text = redact_body(json.dumps(body, ensure_ascii=False).encode()).decode()
    for secret in ("Hòa Bình", "cccd-nguyen", "Lê B", "0912345678", "092123456789", "an@example"):
        assert secret not in text
    kept = json.loads(text)
    assert kept["data"][0]["TaiLieuNop"] == [{"MaThanhPhanHoSo": "TP1", "TenTepDinhKem": REDACTED}]
    assert kept["data"][0]["DanhSachHoSoBoSung"][0]["NgayBoSung"] == "20230403083000"


@pytest.mark.parametrize("raw", [b"\xff\xfe not json", b'"0912345678"', b"[1, 2]", b""])
def test_bytes_that_are_not_a_json_object_become_a_note(raw: bytes) -> None:
    note = json.loads(redact_body(raw))
    assert note["bytes"] == len(raw)
    assert "0912345678" not in json.dumps(note)


@dataclass
class FakeRecord:
    value: bytes | None
    headers: list[tuple[str, bytes]]
    topic: str = "gateway.ingress.dvcqg.v1"
    partition: int = 0
    offset: int = 0
    key: bytes | None = None
    timestamp: int | None = None  # when the broker appended it (ms)


def _signed(body: bytes, **changes: str) -> FakeRecord:
    headers = {
        "x-pasc-agency": "SXD",
        "x-pasc-timestamp": "1700000000",
        "x-pasc-message-id": "m-1",
        **changes,
    }
    signature = sign("k", headers["x-pasc-timestamp"], headers["x-pasc-message-id"], body)
    headers.setdefault("x-pasc-signature", signature)
    return FakeRecord(body, [(k, v.encode()) for k, v in headers.items()])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"x-pasc-timestamp": "nan"}, "Unix seconds"),
        ({"x-pasc-timestamp": "1e99"}, "Unix seconds"),
        ({"x-pasc-timestamp": "1700000000"}, "window"),
        ({"x-pasc-agency": "sxd; DROP"}, "agency code"),
        ({"x-pasc-message-id": "m" * 500}, "too long"),
        ({"x-pasc-signature": ""}, "missing headers"),
    ],
)
async def test_the_verifier_refuses_before_any_lookup_and_the_dead_letter_is_redacted(
    changes: dict[str, str], reason: str
) -> None:
    body = json.dumps({"service": "DongBoHoSoMC", "data": [{"ChuHoSo": "Trần Thị Bình"}]})
    record = _signed(body.encode(), **changes)
    verifier = IngressVerifier(pool=None, vault=None, max_skew_s=300)  # type: ignore[arg-type]  # refused before a key lookup
    with pytest.raises(DecodeError, match=reason) as refused:
        await verifier(record)
    letters = DeadLetters(
        None,  # type: ignore[arg-type]  # to_event publishes nothing: no broker
        producer="integration-gateway",
        group="integration-gateway.gateway.ingress.dvcqg.v1",
        metrics=PlatformMetrics.create(),
    )
    failure = Failure(record, refused.value.kind, str(refused.value))
    kept = base64.b64decode(
        letters.to_event(failure, redact=redact_body).payload.original_value_b64
    )
    assert b"Tr\\u1ea7n" not in kept
    assert "Trần".encode() not in kept
    assert json.loads(kept)["data"][0]["ChuHoSo"] == REDACTED


async def test_a_backlog_refuses_nothing_the_window_is_checked_at_append_time() -> None:
    """Signed at T, appended by the broker 10 s later, read by the gateway a day later."""
    body = json.dumps({"service": "DongBoHoSoMC", "data": []}).encode()
    record = _signed(body)  # signed with x-pasc-timestamp 1700000000
    record.timestamp = (1_700_000_000 + 10) * 1000
    verifier = IngressVerifier(pool=None, vault=None, max_skew_s=300)  # type: ignore[arg-type]  # key cached below
    verifier._keys["SXD"] = (time.monotonic(), ["k"])  # the agency's key, as if looked up
    message = await verifier(record)
    assert message.agency_code == "SXD" and message.body == body

    record.timestamp = (1_700_000_000 + 301) * 1000  # appended after the window: a replay
    with pytest.raises(DecodeError, match="window"):
        await verifier(record)
