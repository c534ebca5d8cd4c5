"""Who may start dossier numbers with which prefix: every agency's code, the codes of agencies
that ended, and the unit codes (mã định danh) of the keys, read in one round trip per request."""

from __future__ import annotations

from typing import Any

# Ordered as the prefixes are layered: a later source names the agency of a prefix that an
# earlier one also lists (a unit code that happens to equal an agency code is that unit's).
_PREFIXES = """
SELECT prefix, agency FROM (
    SELECT DISTINCT agency_code AS prefix, agency_code AS agency, 1 AS layer FROM procedures
    UNION ALL
    SELECT predecessor, predecessor, 2 FROM agency_successions
    UNION ALL
    SELECT DISTINCT unit_code, agency_code, 3 FROM api_keys WHERE unit_code IS NOT NULL
) AS p
ORDER BY layer
"""


async def prefixes(conn: Any) -> dict[str, str]:
    """Each numbering prefix and the agency it belongs to (an ended agency's is its own)."""
    return {r["prefix"]: r["agency"] for r in await conn.fetch(_PREFIXES)}
