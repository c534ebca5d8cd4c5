"""The gateway's HTTP API: the DVCQG sync calls, plan reports, camera webhook, public lookup,
admin. The routes live in app/routes/ as module-level routers; this module puts them together
with the service's parts (`Gateway`, a FastAPI dependency) and its Access."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI, Request

from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.app.routes import admin, department, dvcqg, public
from integration_gateway.app.routes.context import Gateway, refuse
from integration_gateway.settings import Settings
from pasc_runtime.api_docs import service_api
from pasc_runtime.api_errors import ApiError
from pasc_runtime.auth import Access, Principal
from pasc_runtime.auth.routes import bind

DESCRIPTION = (
    "Where department systems (DVCQG DongBoHoSoMC / CapNhatTienDoHoSoMC), the CIOC, the Home "
    "Affairs monitoring system and the city portal meet the platform. Every refusal has the "
    'body `{"error_code", "code", "message", "field"}` (codes: docs/ma-loi.md); a DVCQG call '
    "that can be read answers 200 with a verdict per record."
)
TAGS = [
    {"name": "DVCQG", "description": "Đồng bộ hồ sơ theo định dạng DVCQG (khóa API hoặc session)"},
    {"name": "Sở, ngành", "description": "Tiến độ, báo cáo tháng của kế hoạch"},
    {"name": "Camera", "description": "Sự kiện của hệ thống camera Trung tâm"},
    {"name": "Cổng thông tin", "description": "Tra cứu công khai tình trạng hồ sơ"},
    {"name": "Quản trị", "description": "Khóa API, nhập liệu, đính chính, nhật ký, kết nối"},
]


def make_api(
    pool: Callable[[], asyncpg.Pool], settings: Settings, metrics: GatewayMetrics, access: Access
) -> FastAPI:
    # DVCQG clients read 400 for a body the gateway cannot take (the integration kit says so).
    api = service_api(
        "integration-gateway", description=DESCRIPTION, tags=TAGS, validation_status=400
    )
    gateway = Gateway(
        pool, settings, metrics, access, KeyVault(settings.key_encryption_secret.get_secret_value())
    )
    api.state.gateway = gateway
    bind(api, access)

    async def audit_refusal(request: Request, status: int, reason: str) -> None:
        """Bearer-token refusals are audited like API-key ones."""
        principal: Principal | None = getattr(request.state, "principal", None)
        actor = principal.actor if principal else "anonymous"
        await refuse(gateway, request, ApiError(status, reason), actor, reason=reason)

    access.on_refusal(audit_refusal)
    for module in (dvcqg, department, public, admin):
        api.include_router(module.router)
    return api
