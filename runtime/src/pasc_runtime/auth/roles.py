"""The platform's roles. Their names are the Keycloak realm roles (deploy/keycloak/realm-pasc.json)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DEPARTMENT_SYSTEM = "department-system"  # its own agency's dossiers and plan submissions
    CENTER_OFFICE = "center-office"  # plan dates, tasks, reports, dossiers
    CATALOG_OFFICER = "catalog-officer"  # proposals, imports
    DECISION_RECORDER = "decision-recorder"  # records the Chairman's decisions
    CIOC = "cioc"  # figures, snapshots
    OPERATOR = "operator"  # keys, connectors, dead letters, the scheduler tick


# Every staff role: reads of the catalog and the plan that any signed-in office user may do.
STAFF = (
    Role.CENTER_OFFICE,
    Role.CATALOG_OFFICER,
    Role.DECISION_RECORDER,
    Role.CIOC,
    Role.OPERATOR,
)

PUBLIC = "public"  # declared on routes everyone may call, without a credential
ROLES_EXTENSION = "x-pasc-roles"  # where a route's roles appear in the OpenAPI document
CREDENTIAL_EXTENSION = "x-pasc-credential"  # "bearer" (OIDC), "api-key", or "none"

# What the office and departments read when refused (Vietnamese), by stable code.
MESSAGES = {
    "auth_required": "Cần đăng nhập: gửi Authorization: Bearer <token> do Keycloak cấp.",
    "token_invalid": "Token không hợp lệ hoặc đã hết hạn.",
    "role_forbidden": "Tài khoản không có vai trò được phép gọi chức năng này.",
    "rate_limited": "Quá nhiều yêu cầu; vui lòng thử lại sau.",
    "api_key_route": "Chức năng này dành cho hệ thống của sở, ngành: dùng khóa API (X-API-Key).",
}
