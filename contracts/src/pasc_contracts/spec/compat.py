"""Backward compatibility of a published event schema: what a consumer of the old one would break on.

A change is breaking when a message valid under the new schema could be one the old
consumers reject or misread, or a producer of the old shape is refused: a field removed or
renamed, a type narrowed, a field newly required, an enum value or a range taken away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]
NUMERIC_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems")
NUMERIC_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")


@dataclass(frozen=True)
class Break:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.reason}"


def breaking_changes(old: Schema, new: Schema) -> list[Break]:
    return _compare(old, new, old, new, "")


def _resolve(schema: Schema, root: Schema) -> Schema:
    seen = 0
    while "$ref" in schema and seen < 32:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {**root.get("$defs", {})[name], **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def _branches(schema: Schema, root: Schema) -> list[Schema]:
    schema = _resolve(schema, root)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return [b for sub in schema[combinator] for b in _branches(sub, root)]
    return [schema]


def _types(schema: Schema) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        if "const" in schema or "enum" in schema:
            values = [schema["const"]] if "const" in schema else schema["enum"]
            return {type(v).__name__ for v in values}
        return {"any"}
    return set(declared) if isinstance(declared, list) else {declared}


def _compare(
    old: Schema, new: Schema, old_root: Schema, new_root: Schema, path: str
) -> list[Break]:
    old_b, new_b = _branches(old, old_root), _branches(new, new_root)
    if len(old_b) > 1 or len(new_b) > 1:
        return _compare_unions(old_b, new_b, old_root, new_root, path)
    o, n = old_b[0], new_b[0]
    breaks: list[Break] = []
    old_t, new_t = _types(o), _types(n)
    if "any" not in new_t and "integer" in old_t and "number" in new_t:
        new_t = new_t | {"integer"}
    lost = old_t - new_t if "any" not in new_t else set()
    if lost:
        breaks.append(
            Break(
                path,
                f"type changed from {sorted(old_t)} to {sorted(new_t)}: {sorted(lost)} values no longer valid",
            )
        )
        return breaks
    breaks += _compare_values(o, n, path)
    if "properties" in o or "properties" in n:
        breaks += _compare_objects(o, n, old_root, new_root, path)
    if "items" in o and "items" in n:
        breaks += _compare(o["items"], n["items"], old_root, new_root, f"{path}[]")
    return breaks


def _compare_unions(
    old_b: list[Schema], new_b: list[Schema], old_root: Schema, new_root: Schema, path: str
) -> list[Break]:
    """Each old branch must still be accepted by some new branch."""
    breaks: list[Break] = []
    for o in old_b:
        candidates = [n for n in new_b if _types(o) & _types(n) or "any" in _types(n)]
        if not candidates:
            breaks.append(Break(path, f"no longer accepts {sorted(_types(o))}"))
            continue
        options = [_compare(o, n, old_root, new_root, path) for n in candidates]
        best = min(options, key=len)
        breaks += best
    return breaks


def _compare_values(o: Schema, n: Schema, path: str) -> list[Break]:
    breaks: list[Break] = []
    old_vals = [o["const"]] if "const" in o else o.get("enum")
    new_vals = [n["const"]] if "const" in n else n.get("enum")
    if new_vals is not None:
        removed = [v for v in (old_vals or []) if v not in new_vals]
        if old_vals is None or removed:
            what = removed if old_vals is not None else "any value"
            breaks.append(Break(path, f"allowed values narrowed: {what} no longer accepted"))
    for key in NUMERIC_LOWER:
        if key in n and (key not in o or n[key] > o[key]):
            breaks.append(Break(path, f"{key} raised from {o.get(key)} to {n[key]}"))
    for key in NUMERIC_UPPER:
        if key in n and (key not in o or n[key] < o[key]):
            breaks.append(Break(path, f"{key} lowered from {o.get(key)} to {n[key]}"))
    for key in ("pattern", "format"):
        if key in n and n.get(key) != o.get(key):
            breaks.append(Break(path, f"{key} changed from {o.get(key)!r} to {n[key]!r}"))
    return breaks


def _compare_objects(
    o: Schema, n: Schema, old_root: Schema, new_root: Schema, path: str
) -> list[Break]:
    breaks: list[Break] = []
    old_props, new_props = o.get("properties", {}), n.get("properties", {})
    for name, old_prop in old_props.items():
        where = f"{path}.{name}" if path else name
        if name not in new_props:
            breaks.append(Break(where, "field removed or renamed"))
        else:
            breaks += _compare(old_prop, new_props[name], old_root, new_root, where)
    for name in sorted(set(n.get("required", [])) - set(o.get("required", []))):
        where = f"{path}.{name}" if path else name
        breaks.append(Break(where, "field became required"))
    return breaks
