"""Vietnamese text folded for search: no diacritics (đ → d), lower case, single spaces."""

from __future__ import annotations

from unidecode import unidecode


def fold(text: str) -> str:
    return " ".join(unidecode(text).lower().split())


def search_terms(query: str) -> list[str]:
    """LIKE patterns, one per word of the query: every word must appear (in any order)."""
    return [f"%{_escape_like(word)}%" for word in fold(query).split()]


def like_phrase(query: str) -> str:
    """The whole folded query, escaped for LIKE (wildcards are the caller's)."""
    return _escape_like(fold(query))


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
