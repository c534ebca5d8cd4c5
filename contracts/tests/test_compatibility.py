"""A breaking change to a published schema is caught and explained; a compatible one passes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from pasc_contracts.generate import compatibility_errors, main
from pasc_contracts.spec.compat import breaking_changes
from pasc_contracts.spec.documents import all_documents

CONTRACTS = Path(__file__).resolve().parents[1]
PUBLISHED = CONTRACTS / "schemas" / "dossier.received.v1.json"


def published() -> dict[str, Any]:
    return dict(json.loads(PUBLISHED.read_text()))


def snapshot_props(schema: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = schema["$defs"]["DossierSnapshot"]["properties"]
    return props


def test_checked_in_files_match_the_code() -> None:
    assert main(["--check", "--root", str(CONTRACTS)]) == 0


def test_identical_schema_has_no_break() -> None:
    assert breaking_changes(published(), published()) == []


def test_changing_a_field_type_is_breaking_and_names_the_field() -> None:
    new = published()
    snapshot_props(new)["supplement_count"] = {"type": "string"}
    [brk] = breaking_changes(published(), new)
    assert brk.path == "payload.dossier.supplement_count"
    assert "type changed from ['integer'] to ['string']" in brk.reason


def test_removing_a_field_is_breaking() -> None:
    new = published()
    del new["$defs"]["DossierSnapshot"]["properties"]["digitized"]
    [brk] = breaking_changes(published(), new)
    assert (brk.path, brk.reason) == ("payload.dossier.digitized", "field removed or renamed")


def test_making_a_field_required_is_breaking() -> None:
    new = published()
    new["$defs"]["DossierSnapshot"]["required"].append("ngay_tra")
    assert [str(b) for b in breaking_changes(published(), new)] == [
        "payload.dossier.ngay_tra: field became required"
    ]


def test_narrowing_enum_or_range_is_breaking() -> None:
    new = published()
    new["$defs"]["TrangThaiHoSo"]["enum"].remove(10)
    snapshot_props(new)["revision"]["minimum"] = 2
    reasons = {b.reason.split(":")[0] for b in breaking_changes(published(), new)}
    assert reasons == {"allowed values narrowed", "minimum raised from 1 to 2"}


def test_adding_an_optional_field_or_widening_is_compatible() -> None:
    new = published()
    snapshot_props(new)["note"] = {"type": "string"}
    snapshot_props(new)["supplement_count"] = {"type": "number", "minimum": 0}
    assert breaking_changes(published(), new) == []


def test_generate_refuses_to_overwrite_a_published_schema_with_a_break(tmp_path: Path) -> None:
    files = all_documents()
    rel = "schemas/dossier.received.v1.json"
    old = copy.deepcopy(json.loads(files[rel]))
    old["$defs"]["DossierSnapshot"]["properties"]["legacy_field"] = {"type": "string"}
    (tmp_path / "schemas").mkdir()
    (tmp_path / rel).write_text(json.dumps(old))
    errors = compatibility_errors(tmp_path, files)
    assert errors == [f"{rel}: payload.dossier.legacy_field: field removed or renamed"]
