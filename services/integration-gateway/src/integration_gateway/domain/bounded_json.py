"""JSON as department systems send it, within bounds no genuine DVCQG body comes near.

A DVCQG body nests six levels (body, data, record, TaiLieuNop, document, value). Deeper input
is refused before any code walks it recursively (Python's json module and every recursive
walk after it would raise RecursionError, which is no refusal at all); so are numbers too long
to read (Python refuses integers of over 4,300 digits with ValueError).
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 16


class UnreadableJson(ValueError):
    pass


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests deeper than `limit` (level by level: no recursion to overflow,
    and only containers are visited, not every scalar of a body)."""
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for node in level:
            children = node.values() if isinstance(node, dict) else node
            below += [child for child in children if isinstance(child, dict | list)]
        level = below
    return False


def loads_bounded(raw: bytes | str, limit: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(raw)
    except RecursionError:
        raise UnreadableJson(f"JSON lồng sâu quá {limit} cấp") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableJson(f"không phải JSON: {exc}") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise UnreadableJson(f"JSON không đọc được: {exc}") from None
    if depth_exceeds(value, limit):
        raise UnreadableJson(f"JSON lồng sâu quá {limit} cấp")
    return value
