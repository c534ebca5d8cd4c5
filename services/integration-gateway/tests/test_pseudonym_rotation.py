"""What rotating PSEUDONYM_SECRET does (README, "Secrets"): new records get new pseudonyms,
stored dossiers keep theirs unless a record brings the ID number again, and nothing rotates
back: the old pseudonyms cannot be recomputed without the ID numbers."""

from __future__ import annotations

from typing import Any

from integration_gateway.domain.dossier_rules import Accepted, translate
from integration_gateway.domain.identity import pseudonym
from pasc_contracts.dvcqg import HoSoMC

OLD, NEW = "pseudonym-secret-2025", "pseudonym-secret-2026"
CCCD = "092 187 654 321"


def record(**changes: Any) -> HoSoMC:
    base: dict[str, Any] = {
        "MaHoSo": "H13-ROT-1",
        "MaTTHC": "1.001234",
        "KenhThucHien": 2,
        "NgayTiepNhan": "20230403083000",
        "NgayHenTra": "20230417170000",
        "TrangThaiHoSo": 2,
    }
    return HoSoMC.model_validate({**base, **changes})


def ingest(rec: HoSoMC, secret: str, previous: Any = None) -> Accepted:
    """What the gateway's ingest does with one record (app/ingest.py): pseudonym, then rules."""
    applicant = pseudonym(secret, rec.SoGiayToChuHoSo)
    outcome = translate(rec, "SXD", applicant, previous, doc_ref=lambda f: f"ref:{f}")
    assert isinstance(outcome, Accepted), outcome
    return outcome


def test_the_same_applicant_gets_another_pseudonym_after_rotation() -> None:
    before, after = pseudonym(OLD, CCCD), pseudonym(NEW, CCCD)
    assert before and after and before != after
    assert pseudonym(NEW, CCCD) == pseudonym(NEW, CCCD.replace(" ", ""))  # still stable
    assert CCCD.replace(" ", "") not in (before + after)


def test_a_stored_dossier_keeps_its_pseudonym_until_a_record_brings_the_id_again() -> None:
    stored = ingest(record(SoGiayToChuHoSo=CCCD), OLD).state
    assert stored.applicant_id == pseudonym(OLD, CCCD)
    # After the rotation: an update without the ID number is accepted and keeps the old one...
    update = ingest(record(TrangThaiHoSo=4), NEW, previous=stored)
    assert update.state.applicant_id == pseudonym(OLD, CCCD)
    assert update.state.revision == stored.revision + 1
    # ... and one that brings it again moves the dossier to the new pseudonym.
    again = ingest(record(TrangThaiHoSo=5, SoGiayToChuHoSo=CCCD), NEW, previous=update.state)
    assert again.state.applicant_id == pseudonym(NEW, CCCD)


def test_new_dossiers_after_rotation_get_the_new_pseudonym() -> None:
    fresh = ingest(record(MaHoSo="H13-ROT-2", SoGiayToChuHoSo=CCCD), NEW).state
    assert fresh.applicant_id == pseudonym(NEW, CCCD) != pseudonym(OLD, CCCD)
