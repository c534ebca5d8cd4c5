"""The one way the domain refuses something: the field at fault and the reason, in Vietnamese."""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"


class DomainError(Exception):
    def __init__(self, field: str, reason: str, kind: Refusal = Refusal.INVALID) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.kind = kind


def not_found(field: str, reason: str) -> DomainError:
    return DomainError(field, reason, Refusal.NOT_FOUND)


def forbidden(field: str, reason: str) -> DomainError:
    return DomainError(field, reason, Refusal.FORBIDDEN)
