"""Plan documents shipped with the service: the city's 2023 plan, transcribed from the seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CAN_THO_2023 = Path(__file__).with_name("can-tho-2023.yaml")


def read_plan_file(path: Path) -> dict[str, Any]:
    """A plan file (YAML, or JSON which YAML reads too) as a JSON-ready document."""
    document = _jsonable(yaml.safe_load(path.read_text(encoding="utf-8")))
    if not isinstance(document, dict):
        raise ValueError(f"{path.name}: a plan file is a mapping, not {type(document).__name__}")
    return document


def _jsonable(value: Any) -> Any:
    """YAML gives dates; JSON wants their ISO text."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
