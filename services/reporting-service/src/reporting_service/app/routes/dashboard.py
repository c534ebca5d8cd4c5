"""The dashboard's page, where it signs people in, and its script and style (all public: the
page and its assets hold no figures; the script signs in and then fetches them)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from pasc_runtime.auth.routes import public
from reporting_service.app import dashboard, errors
from reporting_service.app.deps import App
from reporting_service.app.errors import refused
from reporting_service.domain.periods import today_vn

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False, **public())
async def page(
    app: App,
    lang: Annotated[str, Query(pattern="^(vi|en)$", description="vi or en")] = "vi",
    day: Annotated[
        date | None, Query(alias="date", description="Day shown (default today)")
    ] = None,
    refresh: Annotated[
        int | None, Query(ge=5, le=3600, description="Seconds between reloads")
    ] = None,
) -> HTMLResponse:
    return HTMLResponse(dashboard.page(day or today_vn(), lang, refresh or app.refresh_s, day))


@router.get("/dashboard/sign-in.json", include_in_schema=False, **public())
async def sign_in(app: App) -> dict[str, str]:
    """Where the page signs people in: Keycloak's endpoints and the dashboard's public
    client (authorization code + PKCE; the realm allows only this page as redirect)."""
    endpoints = f"{app.issuer}/protocol/openid-connect"
    return {
        "issuer": app.issuer,
        "client_id": app.sign_in_client,
        "authorization_endpoint": f"{endpoints}/auth",
        "token_endpoint": f"{endpoints}/token",
    }


@router.get("/dashboard/assets/{name}", include_in_schema=False, **public())
async def asset(name: str) -> Response:
    body = dashboard.asset(name)
    if body is None:
        raise refused(
            errors.DASHBOARD_ASSET_NOT_FOUND, f"trang điều hành không có tệp '{name}'", "name"
        )
    return Response(
        body, media_type=dashboard.ASSETS[name], headers={"cache-control": "max-age=300"}
    )
