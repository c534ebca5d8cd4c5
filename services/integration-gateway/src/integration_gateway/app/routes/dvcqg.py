"""The DVCQG calls: DongBoHoSoMC and CapNhatTienDoHoSoMC as sent to the National Public Service
Portal, and the OpenCPS adapter's auth exchange and single integration URL.

The body is read here (within MAX_BODY_BYTES and BODY_TIMEOUT_S, bounded JSON) before it is
validated, so FastAPI does not parse it: `json_body` documents it from the DVCQG models.
A readable call answers 200 with a verdict per record (`results[].code`, Vietnamese `reason`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, ValidationError

from integration_gateway.adapters import audit
from integration_gateway.app import errors, identity
from integration_gateway.app.identity import Caller
from integration_gateway.app.ingest import (
    IngestOutcome,
    audit_ingest,
    context_for,
    record_steps,
    sync_dossiers,
)
from integration_gateway.app.routes import examples
from integration_gateway.app.routes.context import (
    Gateway,
    GatewayDep,
    admin,
    admitted,
    endpoint,
    invalid_body,
    parse,
    read_json,
    refuse,
)
from pasc_contracts.dvcqg import (
    DVCQG_REQUEST,
    CapNhatTienDoHoSoMC,
    DongBoHoSoMC,
    HoSoMC,
    TienDoHoSoMC,
    format_dvcqg_date,
)
from pasc_runtime.api_docs import json_body, with_openapi
from pasc_runtime.api_errors import ApiError, error_responses
from pasc_runtime.auth import Access, Role
from pasc_runtime.auth.access import client_address
from pasc_runtime.auth.routes import access_of, public

router = APIRouter(tags=["DVCQG"])
DEPARTMENT = Access.api_key(Role.DEPARTMENT_SYSTEM)


class DongBoHoSoMCBody(DongBoHoSoMC):
    """The documented body: `data` holds HoSoMC records (each is read on its own, so one bad
    record is refused alone)."""

    data: list[HoSoMC] = Field(max_length=1000)


class CapNhatTienDoHoSoMCBody(CapNhatTienDoHoSoMC):
    data: list[TienDoHoSoMC] = Field(max_length=1000)


class RecordVerdict(BaseModel):
    MaHoSo: str | None
    accepted: bool
    code: str | None = Field(description="Why the record was refused (docs/ma-loi.md).")
    reason: str | None = Field(description="The refusal in Vietnamese: which field or rule.")


class SyncAnswer(BaseModel):
    error_code: str = Field(description='"0" (or "00" on the adapter URL): the call was read.')
    message: str | None = None
    results: list[RecordVerdict]


REFUSALS = error_responses(400, ApiError(401, errors.API_KEY_REQUIRED.code), 403, 408, 413, 429)
DONG_BO_BODY = json_body(
    "DongBoHoSoMC",
    DongBoHoSoMCBody | list[HoSoMC],
    examples={"hai hồ sơ": examples.DONG_BO_REQUEST},
    description="The DVCQG envelope, or a bare array of records with isUpdating and "
    "MaDinhDanhDV in the query string.",
)
CAP_NHAT_BODY = json_body(
    "CapNhatTienDoHoSoMC",
    CapNhatTienDoHoSoMCBody | list[TienDoHoSoMC],
    examples={"hai bước xử lý": examples.CAP_NHAT_REQUEST},
)
INTEGRATION_BODY = json_body(
    "DvcqgIntegration",
    DongBoHoSoMCBody | CapNhatTienDoHoSoMCBody,
    examples={"DongBoHoSoMC": examples.DONG_BO_REQUEST},
    description="Either call; the body's `service` says which.",
)


def _answer(example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The 200 (documented, not enforced: the DVCQG answer is written as DVCQG clients read
    it) and the refusals."""
    ok = {"model": SyncAnswer, "content": {"application/json": {"example": example}}}
    return {200: ok, **REFUSALS}


async def dvcqg_caller(
    gw: Gateway, request: Request, session: str | None, madonvi: str | None, agency: str | None
) -> Caller:
    """Who sends a DVCQG call: an API key (X-API-Key, or Authorization: Bearer), else a
    session from the adapter's auth exchange (in the body, the query or Authorization); the
    office on an agency's behalf for imports and corrections (`agency`)."""
    if agency is not None:
        actor = await admin(request, gw, request.headers.get("x-admin-token"))
        if not identity.AGENCY_CODE.match(agency):
            raise ApiError(400, errors.INVALID_AGENCY.code, field="agency")
        return Caller(agency, actor)
    await gw.access.refuse_if_locked_out(client_address(request))
    authorization = request.headers.get("authorization") or ""
    bearer = authorization.removeprefix("Bearer ").strip() or None
    presented = request.headers.get("x-api-key") or (
        bearer if bearer and not bearer.startswith(identity.SESSION_PREFIX) else None
    )
    if presented:
        who = await identity.authenticate(gw.pool(), presented)
    else:
        token = session or request.query_params.get("session") or bearer
        who = await identity.authenticate_session(gw.pool(), token)
    who = await admitted(gw, request, who, presented or bearer)
    if madonvi is not None and who.unit_code is not None and madonvi != who.unit_code:
        error = ApiError(403, errors.UNIT_MISMATCH.code, field="madonvi")
        raise await refuse(gw, request, error, who.actor)
    return who


def envelope(action: str, request: Request, data: Any) -> DongBoHoSoMC | CapNhatTienDoHoSoMC:
    """The request as one DVCQG body: the envelope with `service` and `data`, or a bare
    array of records with isUpdating and MaDinhDanhDV in the query string."""
    if isinstance(data, list):
        query = request.query_params
        data = {
            "service": action,
            "data": data,
            "isUpdating": query.get("isUpdating", "False"),
            "madonvi": query.get("MaDinhDanhDV") or query.get("madonvi"),
        }
    if action == "integration":
        try:
            return DVCQG_REQUEST.validate_python(data)
        except ValidationError as exc:
            raise invalid_body(
                exc, data.get("service") if isinstance(data, dict) else None
            ) from exc
    model = DongBoHoSoMC if action == "DongBoHoSoMC" else CapNhatTienDoHoSoMC
    parsed: DongBoHoSoMC | CapNhatTienDoHoSoMC = parse(model, data)
    return parsed


async def ingest(
    gw: Gateway,
    action: str,
    request: Request,
    agency: str | None = None,
    *,
    correction: bool = False,
) -> IngestOutcome:
    """Read, admit, validate and apply one DVCQG call; every refusal is audited and counted."""
    try:
        data = await read_json(gw, request)
    except ApiError as exc:
        if agency is None:
            # Who is refused first: without a readable body, only the headers and the
            # query can identify the caller (401, or 403 for a Keycloak token).
            await dvcqg_caller(gw, request, None, None, None)
        gw.metrics.requests.labels(endpoint(request), str(exc.status)).inc()
        raise
    session = data.get("session") if isinstance(data, dict) else None
    madonvi = data.get("madonvi") if isinstance(data, dict) else None
    who = await dvcqg_caller(
        gw,
        request,
        session if isinstance(session, str) else None,
        madonvi if isinstance(madonvi, str) else request.query_params.get("MaDinhDanhDV"),
        agency,
    )
    try:
        body = envelope(action, request, data)
    except ApiError as exc:
        async with gw.pool().acquire() as conn:
            await audit.record(
                conn,
                actor=who.actor,
                agency_code=who.agency_code,
                action=f"http.{action}",
                outcome=f"refused {exc.status}",
                details={"reason": exc.message, "field": exc.field},
            )
        gw.metrics.requests.labels(endpoint(request), str(exc.status)).inc()
        raise
    ctx = context_for(
        gw.settings, who.agency_code, who.unit_code, correction=correction, bound=who.bound
    )
    async with gw.pool().acquire() as conn, conn.transaction():
        outcome: IngestOutcome
        if isinstance(body, DongBoHoSoMC):
            outcome = await sync_dossiers(conn, ctx, body.data)
        else:
            outcome = await record_steps(conn, ctx, body.data)
        await audit_ingest(
            conn,
            actor=who.actor,
            agency=who.agency_code,
            action=f"http.{'correction' if correction else body.service}",
            outcome=outcome,
            sent_as=who.sent_as,
        )
    gw.metrics.count(who.agency_code, outcome)
    gw.metrics.requests.labels(endpoint(request), "200").inc()
    return outcome


def results(outcome: IngestOutcome) -> list[dict[str, Any]]:
    return [r.as_dvcqg() for r in outcome.results]


@router.post(
    "/v1/dvcqg/DongBoHoSoMC",
    response_model=None,
    responses=_answer(examples.DONG_BO_RESPONSE),
    **with_openapi(DEPARTMENT, DONG_BO_BODY),
)
async def dong_bo_ho_so(request: Request, gw: GatewayDep) -> dict[str, Any]:
    """Sync dossier records, exactly as sent to the National Public Service Portal: the
    envelope, or a bare array with isUpdating and MaDinhDanhDV in the query string."""
    outcome = await ingest(gw, "DongBoHoSoMC", request)
    return {"error_code": "0", "results": results(outcome)}


@router.post(
    "/v1/dvcqg/CapNhatTienDoHoSoMC",
    response_model=None,
    responses=_answer(examples.CAP_NHAT_RESPONSE),
    **with_openapi(DEPARTMENT, CAP_NHAT_BODY),
)
async def cap_nhat_tien_do(request: Request, gw: GatewayDep) -> dict[str, Any]:
    """Processing steps of dossiers the calling agency owns."""
    outcome = await ingest(gw, "CapNhatTienDoHoSoMC", request)
    return {"error_code": "0", "results": results(outcome)}


class AdapterCredentials(BaseModel):
    username: str
    password: str


AUTH_BODY = json_body(
    "DvcqgAuth",
    AdapterCredentials,
    examples={"tài khoản": {"username": "sxd-motcua", "password": "..."}},
)


# Open like Keycloak's token endpoint: the password is the credential. Failed exchanges
# count towards the address's lockout (RATE_LIMIT_AUTH_FAILURES).
@router.post(
    "/v1/dvcqg/auth",
    responses=error_responses(
        ApiError(400, errors.CREDENTIALS_REQUIRED.code, field="username"),
        ApiError(401, errors.BAD_CREDENTIALS.code),
        429,
    ),
    **with_openapi(public(), AUTH_BODY),
)
async def adapter_auth(request: Request, gw: GatewayDep) -> dict[str, Any]:
    """The DVCQG adapter's auth exchange: username and password for a session, which then
    travels in each request's body (`session`, with `madonvi`)."""
    address = client_address(request)
    await access_of(request).refuse_if_locked_out(address)
    data = await read_json(gw, request)
    username = data.get("username") if isinstance(data, dict) else None
    password = data.get("password") if isinstance(data, dict) else None
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, errors.CREDENTIALS_REQUIRED.code, field="username")
    async with gw.pool().acquire() as conn, conn.transaction():
        opened = await identity.open_session(
            conn, username[:64], password[:200], gw.settings.adapter_session_ttl_s
        )
    if opened is None:
        await gw.access.failed(address, "adapter_password")
        raise await refuse(
            gw,
            request,
            ApiError(401, errors.BAD_CREDENTIALS.code),
            "anonymous",
            username=username if identity.USERNAME.match(username) else None,
        )
    token, expires_at = opened
    gw.metrics.requests.labels(endpoint(request), "200").inc()
    # error_code 0 as a number: OpenCPS reads it with getInt (and C# into a string).
    return {
        "error_code": 0,
        "message": "Thành công",
        "session": token,
        "expires_in": gw.settings.adapter_session_ttl_s,
        "expires_at": format_dvcqg_date(expires_at),
    }


@router.post(
    "/v1/dvcqg/integration",
    response_model=None,
    responses=_answer({**examples.DONG_BO_RESPONSE, "error_code": "00", "message": "Thành công"}),
    **with_openapi(DEPARTMENT, INTEGRATION_BODY),
)
async def adapter_integration(request: Request, gw: GatewayDep) -> dict[str, Any]:
    """The adapter's integration endpoint: one URL, the body's `service` says which call
    (DongBoHoSoMC or CapNhatTienDoHoSoMC). Success is error_code "00", as OpenCPS expects."""
    outcome = await ingest(gw, "integration", request)
    return {"error_code": "00", "message": "Thành công", "results": results(outcome)}
