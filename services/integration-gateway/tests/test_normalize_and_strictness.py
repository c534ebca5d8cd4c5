"""Read tolerantly (the variants real one-stop systems send), mean strictly (what attackers send)."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from integration_gateway.domain import personal_data
from integration_gateway.domain.bounded_json import UnreadableJson, loads_bounded
from integration_gateway.domain.dossier_rules import Accepted, DateWindow, Refused, translate
from integration_gateway.domain.normalize import NotReadable, Sender, normalise_record
from integration_gateway.domain.ownership import derived_due, numbering_owner
from pasc_contracts import VN_TZ
from pasc_contracts.dvcqg import (
    DVCQG_REQUEST,
    CapNhatTienDoHoSoMC,
    DongBoHoSoMC,
    HoSoMC,
    TienDoHoSoMC,
)

SXD = Sender("SXD", "000.00.17.H13", "H13")
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
WINDOW = DateWindow.around(NOW, datetime(2015, 1, 1, tzinfo=VN_TZ), 730)


def ref(file_id: str) -> str:
    return f"ref:{file_id}"


def base(**changes: Any) -> dict[str, Any]:
    return {
        "MaHoSo": "000.00.17.H13-230403-0001",
        "MaTTHC": "1.001234",
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
        **changes,
    }


def read(raw: dict[str, Any], sender: Sender = SXD) -> HoSoMC:
    normalised = normalise_record(raw, sender)
    assert not isinstance(normalised, NotReadable), normalised
    return HoSoMC.model_validate(normalised)


# --- tolerant: the variants real systems send -------------------------------------------------


def test_opencps_strings_everywhere_and_empty_dates() -> None:
    """OpenCPS writes codes with String.valueOf and "" for an absent date (its
    DVCQGIntegrationActionImpl.createSyncDossierBodyRequest)."""
    rec = read(
        base(
            LoaiDoiTuong="1",
            HinhThuc="0",
            TrangThaiHoSo="4",
            NgayTra="",
            NgayKetThucXuLy="",
            ThongTinTra="",
            MaDoiTuong="",
            Fax="0292 3 123 456",
            DonViXuLy="Sở Xây dựng",
            TaiLieuNop=[],
        )
    )
    assert (rec.LoaiDoiTuong, rec.HinhThuc, rec.TrangThaiHoSo) == (1, 0, 4)
    assert rec.NgayTra is None and rec.NgayKetThucXuLy is None


def test_csharp_bare_strings_long_ma_tthc_and_boolean_text() -> None:
    """The C# HsDongBo class: every field a string, NgayHenTra "", SoBienNhan "", IsDeleted
    "False", MaTTHC in the long form with the unit code."""
    raw = base(
        MaTTHC="1.001234.000.00.00.H13",
        SoBienNhan="",
        TrangThaiHoSo=" 2 ",
        TaiLieuNop=[{"TepDinhKemId": "17", "IsDeleted": "False", "DuocSoHoa": "True"}],
    )
    rec = read(raw)
    assert rec.MaTTHC == "1.001234"
    assert rec.TaiLieuNop[0].DuocSoHoa == 1 and rec.TaiLieuNop[0].IsDeleted is False


def test_long_ma_tthc_of_another_unit_is_not_read() -> None:
    outcome = normalise_record(base(MaTTHC="1.001234.000.00.09.H13"), SXD)
    assert isinstance(outcome, NotReadable) and outcome.code == "ma_tthc_other_unit"
    other_province = normalise_record(base(MaTTHC="1.001234.000.00.00.H22"), SXD)
    assert isinstance(other_province, NotReadable)


def test_the_body_flag_reads_every_spelling() -> None:
    for flag in ("True", "true", True):
        assert DongBoHoSoMC.model_validate(
            {"service": "DongBoHoSoMC", "isUpdating": flag, "data": []}
        ).isUpdating
    with pytest.raises(ValidationError):
        DongBoHoSoMC.model_validate({"service": "DongBoHoSoMC", "isUpdating": "maybe", "data": []})


def test_the_service_field_chooses_the_parser_not_the_bytes() -> None:
    """A DongBoHoSoMC body whose TenTTHC reads "CapNhatTienDoHoSoMC" stays a DongBoHoSoMC."""
    body = {"service": "DongBoHoSoMC", "data": [base(TenTTHC="CapNhatTienDoHoSoMC")]}
    assert isinstance(DVCQG_REQUEST.validate_python(body), DongBoHoSoMC)
    steps = {"service": "CapNhatTienDoHoSoMC", "data": []}
    assert isinstance(DVCQG_REQUEST.validate_python(steps), CapNhatTienDoHoSoMC)


def test_a_missing_due_date_is_derived_in_working_days() -> None:
    # Thursday 27/04/2023 + 3 working days: 28/04 (Fri), then 04/05 and 05/05: in 2023 the
    # days from 29/04 to 03/05 were off (weekend, Reunification Day, Labour Day and swaps).
    received = datetime(2023, 4, 27, 9, tzinfo=VN_TZ)
    assert derived_due(received, 3) == datetime(2023, 5, 5, 17, tzinfo=VN_TZ)


# --- strict: what attackers send ----------------------------------------------------------------

HOSTILE_VALUES: list[tuple[str, dict[str, Any]]] = [
    ("code as float", {"TrangThaiHoSo": 2.0}),
    ("code as bool", {"TrangThaiHoSo": True}),
    ("code out of range", {"TrangThaiHoSo": 11}),
    ("code huge", {"TrangThaiHoSo": 10**30}),
    ("code negative", {"KenhThucHien": -1}),
    ("flag 2", {"HinhThuc": 2}),
    ("MaHoSo spaces", {"MaHoSo": "   "}),
    ("MaHoSo empty", {"MaHoSo": ""}),
    ("MaHoSo inner space", {"MaHoSo": "A 1"}),
    ("MaHoSo NUL", {"MaHoSo": "A\x001"}),
    ("MaHoSo bidi", {"MaHoSo": "A\u202e1"}),
    ("MaHoSo too long", {"MaHoSo": "A" * 65}),
    ("MaHoSo lone surrogate", {"MaHoSo": "A\ud8001"}),
    ("MaHoSo not text", {"MaHoSo": 123}),
    ("text NUL", {"ChuHoSo": "Nguyễn\x00"}),
    ("text surrogate", {"GhiChu": "\udc00"}),
    ("text bidi isolate", {"TrichYeuHoSo": "x\u2066y"}),
    ("text escape", {"TenTTHC": "x\x1b[31my"}),
    ("text too long", {"GhiChu": "x" * 5000}),
    ("date not 14 digits", {"NgayTiepNhan": "2023-04-03"}),
    ("date impossible", {"NgayTiepNhan": "20230230083000"}),
    ("date as number", {"NgayTiepNhan": 20230403083000}),
    ("fee NaN", {"DanhSachLePhi": [{"Gia": float("nan")}]}),
    ("fee -1e308", {"DanhSachLePhi": [{"Gia": -1e308}]}),
    ("fee inf", {"DanhSachLePhi": [{"Gia": float("inf")}]}),
    ("document flag text", {"TaiLieuNop": [{"DuocSoHoa": "maybe"}]}),
    ("documents not a list", {"TaiLieuNop": "none"}),
    ("MaTTHC malformed", {"MaTTHC": "1.1"}),
]


@pytest.mark.parametrize(("case", "changes"), HOSTILE_VALUES, ids=[c for c, _ in HOSTILE_VALUES])
def test_hostile_values_are_refused_with_a_reason(case: str, changes: dict[str, Any]) -> None:
    normalised = normalise_record(base(**changes), SXD)
    if isinstance(normalised, NotReadable):
        return
    with pytest.raises(ValidationError) as refused:
        HoSoMC.model_validate(normalised)
    assert refused.value.errors()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"NgayTiepNhan": "19000101000000", "NgayHenTra": "19000110000000"}, "NgayTiepNhan"),
        ({"NgayTiepNhan": "00010101000000", "NgayHenTra": "00010110000000"}, "NgayTiepNhan"),
        ({"NgayHenTra": "99991231000000"}, "NgayHenTra"),
        ({"NgayHenTra": "20300101000000"}, "NgayHenTra"),
        ({"NgayTiepNhan": "20290101000000", "NgayHenTra": "20290110000000"}, "NgayTiepNhan"),
    ],
)
def test_implausible_dates_are_refused(changes: dict[str, Any], field: str) -> None:
    outcome = translate(read(base(**changes)), "SXD", None, None, doc_ref=ref, window=WINDOW)
    assert isinstance(outcome, Refused) and outcome.code == "implausible_date"
    assert field in outcome.reason


def _done() -> Accepted:
    rec = read(base(TrangThaiHoSo=10, NgayKetThucXuLy="20230410100000", NgayTra="20230411090000"))
    outcome = translate(rec, "SXD", None, None, doc_ref=ref, window=WINDOW)
    assert isinstance(outcome, Accepted)
    return outcome


def test_a_returned_dossier_is_frozen() -> None:
    done = _done()
    moved = read(
        base(
            TrangThaiHoSo=10,
            NgayHenTra="20231217170000",
            NgayKetThucXuLy="20230405100000",
            NgayTra="20230411090000",
        )
    )
    outcome = translate(moved, "SXD", None, done.state, doc_ref=ref, window=WINDOW)
    assert isinstance(outcome, Refused) and outcome.code == "final_dossier"
    corrected = translate(
        moved, "SXD", None, done.state, doc_ref=ref, window=WINDOW, correction=True
    )
    assert isinstance(corrected, Accepted) and corrected.events


def test_a_processed_dossier_may_only_be_returned() -> None:
    processed = translate(
        read(base(TrangThaiHoSo=9, NgayKetThucXuLy="20230410100000")),
        "SXD",
        None,
        None,
        doc_ref=ref,
        window=WINDOW,
    )
    assert isinstance(processed, Accepted)
    returned = read(
        base(TrangThaiHoSo=10, NgayKetThucXuLy="20230410100000", NgayTra="20230412080000")
    )
    ok = translate(returned, "SXD", None, processed.state, doc_ref=ref, window=WINDOW)
    assert isinstance(ok, Accepted) and ok.events
    earlier = read(base(TrangThaiHoSo=9, NgayKetThucXuLy="20230405100000"))
    refused = translate(earlier, "SXD", None, processed.state, doc_ref=ref, window=WINDOW)
    assert isinstance(refused, Refused) and "ngay_ket_thuc_xu_ly" in refused.reason


def test_another_agencys_dossier_is_refused_without_naming_it() -> None:
    first = translate(read(base()), "SXD", None, None, doc_ref=ref, window=WINDOW)
    assert isinstance(first, Accepted)
    outcome = translate(read(base(TrangThaiHoSo=4)), "STP", None, first.state, doc_ref=ref)
    assert isinstance(outcome, Refused) and "SXD" not in outcome.reason


def test_numbering_prefixes_belong_to_their_agency() -> None:
    prefixes = {"000.00.17.H13": "SXD", "STP": "STP", "000.00.1": "XXX"}
    assert numbering_owner("000.00.17.H13-230403-0001", prefixes) == "SXD"
    assert numbering_owner("STP-2023-1", prefixes) == "STP"
    assert numbering_owner("STPX-2023-1", prefixes) is None
    assert numbering_owner("SIM.SXD-230503-0000001", prefixes) is None


def test_published_file_references_are_keyed_not_the_file_names() -> None:
    rec = read(base(TaiLieuNop=[{"TepDinhKemId": "CCCD_079912345678.pdf", "DuocSoHoa": 1}]))
    outcome = translate(rec, "SXD", None, None, doc_ref=lambda f: "k" + str(len(f)), window=WINDOW)
    assert isinstance(outcome, Accepted)
    assert "CCCD_079912345678.pdf" not in outcome.events[0].model_dump_json()


# --- bounded JSON -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50 + b"1" + b"}" * 50, b"9" * 5000, b"\xff\xfe"],
)
def test_pathological_json_is_refused_as_such(raw: bytes) -> None:
    with pytest.raises(UnreadableJson):
        loads_bounded(raw)


def test_the_redactor_survives_what_the_parser_refuses() -> None:
    assert b"redacted" in personal_data.redact_body(b"[" * 100_000)
    lone = b'{"service":"DongBoHoSoMC","data":[{"MaHoSo":"\\ud800"}]}'
    personal_data.redact_body(lone).decode("ascii")


# --- the personal data policy covers every field --------------------------------------------------


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def test_every_dvcqg_field_has_a_personal_data_policy() -> None:
    records = _fields(HoSoMC) | _fields(TienDoHoSoMC)
    nested = set(personal_data.NESTED_POLICY)
    assert records - nested <= set(personal_data.RECORD_POLICY), (
        records - nested - set(personal_data.RECORD_POLICY)
    )
    for name, policy in personal_data.NESTED_POLICY.items():
        item = typing.get_args(HoSoMC.model_fields[name].annotation)[0]
        assert _fields(item) == set(policy), name
    body = (_fields(DongBoHoSoMC) | _fields(CapNhatTienDoHoSoMC)) - {"data"}
    assert body == set(personal_data.BODY_POLICY)
    free_text = {"NoiDungXuLy", "PhongBanXuLy", "GhiChu", "TrichYeuHoSo", "ChuHoSo", "Email"}
    assert all(personal_data.RECORD_POLICY[f] == personal_data.DROP for f in free_text)
