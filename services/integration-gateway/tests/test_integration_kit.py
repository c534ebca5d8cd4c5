"""The integration kit (docs/bo-tich-hop-cho-so-nganh.md) stays true: its worked signature is
what the gateway computes, and its request examples get the verdicts its responses show."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from integration_gateway.app.errors import RECORD_CODES
from integration_gateway.app.offline_check import Outcome, check_payload
from integration_gateway.app.routes import examples
from integration_gateway.domain.dossier_rules import DateWindow
from integration_gateway.domain.normalize import Sender
from pasc_contracts import VN_TZ
from pasc_contracts.dvcqg import ingress_signature

KIT = Path(__file__).resolve().parents[1] / "docs" / "bo-tich-hop-cho-so-nganh.md"
SXD = Sender("SXD", "000.00.17.H13", "H13")
WINDOW = DateWindow.around(datetime.now(UTC), datetime(2015, 1, 1, tzinfo=VN_TZ), 730)


def json_blocks(text: str) -> list[Any]:
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, flags=re.DOTALL)]


def test_the_worked_signature_is_the_gateways() -> None:
    text = KIT.read_text(encoding="utf-8")
    key = re.search(r"- khóa: `([^`]+)`", text)
    stamp = re.search(r"- timestamp: `(\d+)`", text)
    message_id = re.search(r"- message id: `([^`]+)`", text)
    body = re.search(r"\n  `(\{\"service\".*\})`\n", text)
    signature = re.search(r"```\n([0-9a-f]{64})\n```", text)
    assert key and stamp and message_id and body and signature
    assert len(body[1].encode()) == 212
    assert ingress_signature(key[1], stamp[1], message_id[1], body[1].encode()) == signature[1]


def test_the_request_examples_get_the_documented_verdicts() -> None:
    blocks = json_blocks(KIT.read_text(encoding="utf-8"))
    pairs = [
        (request, answer)
        for request, answer in pairwise(blocks)
        if isinstance(request, dict) and "service" in request and "results" in answer
    ]
    assert [request["service"] for request, _ in pairs] == [
        "DongBoHoSoMC",
        "CapNhatTienDoHoSoMC",
    ]
    for request, answer in pairs:
        checked = check_payload(request, SXD, WINDOW)
        assert checked.error is None
        for verdict, documented in zip(checked.verdicts, answer["results"], strict=True):
            assert verdict.ma_ho_so == documented["MaHoSo"]
            if verdict.outcome is Outcome.REFUSED:
                assert documented == {
                    "MaHoSo": verdict.ma_ho_so,
                    "accepted": False,
                    "code": verdict.code,
                    "reason": verdict.reason,
                }
            elif documented["accepted"] is False:  # a rule that needs the gateway's database
                assert verdict.outcome is Outcome.PASSED


def test_the_api_documents_show_the_kits_examples() -> None:
    """The OpenAPI examples of the two DVCQG calls are the kit's, request and answer."""
    blocks = json_blocks(KIT.read_text(encoding="utf-8"))
    assert examples.DONG_BO_REQUEST in blocks and examples.DONG_BO_RESPONSE in blocks
    assert examples.CAP_NHAT_REQUEST in blocks and examples.CAP_NHAT_RESPONSE in blocks


def test_the_kits_code_table_lists_every_record_code() -> None:
    section = KIT.read_text(encoding="utf-8").split("## 3.")[1].split("## 4.")[0]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE))
    assert documented == set(RECORD_CODES)
