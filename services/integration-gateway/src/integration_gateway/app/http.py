"""The gateway's HTTP API: the DVCQG sync calls, plan reports, camera webhook, public lookup, admin."""

from collections.abc import Callable
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError, field_validator

from integration_gateway.adapters import audit, connector_store, dossier_store, keys_store
from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.app import identity
from integration_gateway.app.identity import Caller
from integration_gateway.app.ingest import (
    IngestOutcome,
    audit_ingest,
    context_for,
    record_steps,
    sync_dossiers,
)
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.domain.bounded_json import UnreadableJson, loads_bounded
from integration_gateway.domain.delivery import Connector, ConnectorKind, is_webhook_secret
from integration_gateway.domain.dossier_rules import PRODUCER
from integration_gateway.domain.identity import hmac_equal
from integration_gateway.settings import Settings
from pasc_contracts import now_vn
from pasc_contracts.codec import describe_validation_error
from pasc_contracts.dvcqg import (
    DVCQG_REQUEST,
    CapNhatTienDoHoSoMC,
    DongBoHoSoMC,
    Text,
    format_dvcqg_date,
)
from pasc_contracts.events.camera import CameraStatus, CameraStatusChanged
from pasc_contracts.events.plan import (
    MonthlyReportSubmission,
    MonthlyReportSubmitted,
    ProgressSubmission,
    ProgressSubmitted,
)
from pasc_runtime.auth import Access, Principal, Role
from pasc_runtime.auth.access import Denied, client_address
from pasc_runtime.auth.tokens import InvalidToken, IssuerUnavailable
from pasc_runtime.http_guard import read_body
from pasc_runtime.outbox import stage

Pool = Callable[[], asyncpg.Pool]
# Headers a reverse proxy adds: their presence means the peer is a proxy, not the client.


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        self.status, self.message, self.field = status, message, field


class KeyRequest(BaseModel):
    agency: str
    label: str | None = Field(default=None, max_length=200)
    username: str | None = None
    unit_code: str | None = None


class ConnectorRequest(BaseModel):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,62}$")
    kind: ConnectorKind
    endpoint: str = Field(pattern=r"^https?://")
    topics: list[str] = Field(min_length=1)
    agency_code: str | None = None
    secret: str | None = Field(
        default=None,
        description="Standard Webhooks signing secret: whsec_ and the base64 of 24-64 random bytes.",
    )

    @field_validator("secret")
    @classmethod
    def _standard_webhooks_secret(cls, value: str | None) -> str | None:
        if value is not None and not is_webhook_secret(value):
            raise ValueError("must be whsec_ followed by the base64 of 24 to 64 random bytes")
        return value


PLAN_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ProgressBody(BaseModel):
    """Bounded here, at the edge: a plan has a few dozen tasks, never task 10^30."""

    plan_id: str = Field(pattern=PLAN_ID)
    task_no: int = Field(ge=1, le=999)
    percent: int = Field(ge=0, le=100)
    status: str | None = Field(default=None, max_length=32)
    note: Text | None = Field(default=None, max_length=2000)
    result_ref: Text | None = Field(default=None, max_length=500)
    reporter: Text | None = Field(default=None, max_length=200)
    reason: Text | None = Field(default=None, max_length=2000)  # task-service needs it to go back


class MonthlyReportBody(BaseModel):
    plan_id: str = Field(pattern=PLAN_ID)
    month: str = Field(pattern=r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$")
    summary: Text = Field(max_length=20000)


def make_api(pool: Pool, settings: Settings, metrics: GatewayMetrics, access: Access) -> FastAPI:
    api = FastAPI(title="integration-gateway", docs_url="/docs", openapi_url="/openapi.json")
    vault = KeyVault(settings.key_encryption_secret.get_secret_value())
    admin_token = settings.admin_token.get_secret_value() if settings.admin_token else None

    @api.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        return JSONResponse(
            {"error_code": "400", "message": f"{where}: {first['msg']}", "field": where}, 400
        )

    @api.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        body: dict[str, Any] = {"error_code": str(exc.status), "message": exc.message}
        if exc.field:
            body["field"] = exc.field
        return JSONResponse(body, exc.status)

    async def read_json(request: Request) -> Any:
        try:
            body = await read_body(request, settings.max_body_bytes, settings.body_timeout_s)
        except HTTPException as exc:
            raise ApiError(exc.status_code, str(exc.detail)) from None
        try:
            return loads_bounded(bytes(body))
        except UnreadableJson as exc:
            raise ApiError(400, str(exc)) from exc

    def parse(model: type[BaseModel], data: Any) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ApiError(
                400, describe_validation_error(exc), ".".join(str(p) for p in first["loc"])
            ) from exc

    async def refuse(
        request: Request, status: int, message: str, actor: str, **details: Any
    ) -> ApiError:
        """Audit a refused request (never the secret presented, at most its public key id)."""
        async with pool().acquire() as conn:
            await audit.record(
                conn,
                actor=actor,
                action=f"http {request.method} {request.url.path}",
                outcome=f"refused {status}",
                details={"client": request.client.host if request.client else None, **details},
            )
        metrics.requests.labels(_endpoint(request), str(status)).inc()
        return ApiError(status, message)

    async def audit_refusal(request: Request, status: int, reason: str) -> None:
        """Bearer-token refusals are audited like API-key ones."""
        principal: Principal | None = getattr(request.state, "principal", None)
        actor = principal.actor if principal else "anonymous"
        await refuse(request, status, reason, actor, reason=reason)

    access.on_refusal(audit_refusal)

    async def caller(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
        x_pasc_agency: Annotated[str | None, Header()] = None,
    ) -> Caller:
        presented = x_api_key or (authorization or "").removeprefix("Bearer ").strip() or None
        await access.refuse_if_locked_out(client_address(request))
        found = await identity.authenticate(pool(), presented)
        return await admitted(request, found, presented)

    async def admitted(request: Request, found: Caller | None, presented: str | None) -> Caller:
        """The one admission step of department routes, whatever the credential: a Keycloak
        token is the wrong kind (403), none or a bad one 401 (and counts towards the address's
        lockout), a claimed agency must be the key's, and each key has its rate limit."""
        if found is None and presented and await is_valid_token(presented):
            # A person or service signed in with Keycloak: authenticated, but these routes
            # belong to the departments' systems and their API keys or adapter sessions.
            access.refusals.labels("role").inc()
            raise Denied(403, "api_key_route")
        if found is None:
            await access.failed(client_address(request), "api_key")
            raise await refuse(
                request,
                401,
                "cần API key (X-API-Key) hoặc session hợp lệ của bước xác thực",
                "anonymous",
                presented_key_id=identity.key_id_of(presented or ""),
            )
        claimed = request.headers.get("x-pasc-agency")
        if claimed is not None and claimed != found.agency_code:
            raise await refuse(
                request,
                403,
                f"X-PASC-Agency: khóa này thuộc {found.agency_code}, không phải {claimed[:16]}",
                found.actor,
                claimed=claimed[:16],
            )
        await access.count_api_key(found.key_id)
        return found

    async def is_valid_token(presented: str) -> bool:
        if presented.count(".") != 2:  # API keys are not JWTs
            return False
        try:
            await access.verifier.verify(presented)
        except (InvalidToken, IssuerUnavailable):
            return False
        return True

    async def admin(request: Request, x_admin_token: Annotated[str | None, Header()] = None) -> str:
        """The operator calling an admin route: the route's declaration already checked the
        bearer token's operator role; where ADMIN_TOKEN is set it is required as well."""
        principal: Principal = request.state.principal
        if admin_token and (x_admin_token is None or not hmac_equal(x_admin_token, admin_token)):
            raise await refuse(
                request, 401, "admin token required (X-Admin-Token)", principal.actor
            )
        return principal.actor

    async def dvcqg_caller(
        request: Request, session: str | None, madonvi: str | None, agency: str | None
    ) -> Caller:
        """Who sends a DVCQG call: an API key (X-API-Key, or Authorization: Bearer), else a
        session from the adapter's auth exchange (in the body, the query or Authorization)."""
        if agency is not None:  # the office, on an agency's behalf (import, correction)
            actor = await admin(request, request.headers.get("x-admin-token"))
            if not identity.AGENCY_CODE.match(agency):
                raise ApiError(400, "mã cơ quan không hợp lệ", "agency")
            return Caller(agency, actor)
        await access.refuse_if_locked_out(client_address(request))
        authorization = request.headers.get("authorization") or ""
        bearer = authorization.removeprefix("Bearer ").strip() or None
        presented = request.headers.get("x-api-key") or (
            bearer if bearer and not bearer.startswith(identity.SESSION_PREFIX) else None
        )
        if presented:
            who = await identity.authenticate(pool(), presented)
        else:
            token = session or request.query_params.get("session") or bearer
            who = await identity.authenticate_session(pool(), token)
        who = await admitted(request, who, presented or bearer)
        if madonvi is not None and who.unit_code is not None and madonvi != who.unit_code:
            raise await refuse(
                request, 403, "madonvi không khớp với mã đơn vị của tài khoản", who.actor
            )
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
                first = exc.errors()[0]
                raise ApiError(
                    400, describe_validation_error(exc), ".".join(str(p) for p in first["loc"])
                ) from exc
        model = DongBoHoSoMC if action == "DongBoHoSoMC" else CapNhatTienDoHoSoMC
        parsed: DongBoHoSoMC | CapNhatTienDoHoSoMC = parse(model, data)
        return parsed

    async def ingest(
        action: str, request: Request, agency: str | None = None, *, correction: bool = False
    ) -> tuple[Caller, IngestOutcome]:
        try:
            data = await read_json(request)
        except ApiError as exc:
            if agency is None:
                # Who is refused first: without a readable body, only the headers and the
                # query can identify the caller (401, or 403 for a Keycloak token).
                await dvcqg_caller(request, None, None, None)
            metrics.requests.labels(_endpoint(request), str(exc.status)).inc()
            raise
        session = data.get("session") if isinstance(data, dict) else None
        madonvi = data.get("madonvi") if isinstance(data, dict) else None
        who = await dvcqg_caller(
            request,
            session if isinstance(session, str) else None,
            madonvi if isinstance(madonvi, str) else request.query_params.get("MaDinhDanhDV"),
            agency,
        )
        try:
            body = envelope(action, request, data)
        except ApiError as exc:
            async with pool().acquire() as conn:
                await audit.record(
                    conn,
                    actor=who.actor,
                    agency_code=who.agency_code,
                    action=f"http.{action}",
                    outcome=f"refused {exc.status}",
                    details={"reason": exc.message, "field": exc.field},
                )
            metrics.requests.labels(_endpoint(request), str(exc.status)).inc()
            raise
        ctx = context_for(settings, who.agency_code, who.unit_code, correction=correction)
        async with pool().acquire() as conn, conn.transaction():
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
            )
        metrics.count(who.agency_code, outcome)
        metrics.requests.labels(_endpoint(request), "200").inc()
        return who, outcome

    @api.post("/v1/dvcqg/DongBoHoSoMC", **Access.api_key(Role.DEPARTMENT_SYSTEM))
    async def dong_bo_ho_so(request: Request) -> dict[str, Any]:
        """Sync dossier records, exactly as sent to the National Public Service Portal: the
        envelope, or a bare array with isUpdating and MaDinhDanhDV in the query string."""
        _, outcome = await ingest("DongBoHoSoMC", request)
        return {"error_code": "0", "results": [r.as_dvcqg() for r in outcome.results]}

    @api.post("/v1/dvcqg/CapNhatTienDoHoSoMC", **Access.api_key(Role.DEPARTMENT_SYSTEM))
    async def cap_nhat_tien_do(request: Request) -> dict[str, Any]:
        """Processing steps of dossiers the calling agency owns."""
        _, outcome = await ingest("CapNhatTienDoHoSoMC", request)
        return {"error_code": "0", "results": [r.as_dvcqg() for r in outcome.results]}

    # Open like Keycloak's token endpoint: the password is the credential. Failed exchanges
    # count towards the address's lockout (RATE_LIMIT_AUTH_FAILURES).
    @api.post("/v1/dvcqg/auth", **access.public())
    async def adapter_auth(request: Request) -> dict[str, Any]:
        """The DVCQG adapter's auth exchange: username and password for a session, which then
        travels in each request's body (`session`, with `madonvi`)."""
        address = client_address(request)
        await access.refuse_if_locked_out(address)
        data = await read_json(request)
        username = data.get("username") if isinstance(data, dict) else None
        password = data.get("password") if isinstance(data, dict) else None
        if not isinstance(username, str) or not isinstance(password, str):
            raise ApiError(400, "cần username và password", "username")
        async with pool().acquire() as conn, conn.transaction():
            opened = await identity.open_session(
                conn, username[:64], password[:200], settings.adapter_session_ttl_s
            )
        if opened is None:
            await access.failed(address, "adapter_password")
            raise await refuse(
                request,
                401,
                "sai tên đăng nhập hoặc mật khẩu",
                "anonymous",
                username=username if identity.USERNAME.match(username) else None,
            )
        token, expires_at = opened
        metrics.requests.labels(_endpoint(request), "200").inc()
        # error_code 0 as a number: OpenCPS reads it with getInt (and C# into a string).
        return {
            "error_code": 0,
            "message": "Thành công",
            "session": token,
            "expires_in": settings.adapter_session_ttl_s,
            "expires_at": format_dvcqg_date(expires_at),
        }

    @api.post("/v1/dvcqg/integration", **Access.api_key(Role.DEPARTMENT_SYSTEM))
    async def adapter_integration(request: Request) -> dict[str, Any]:
        """The adapter's integration endpoint: one URL, the body's `service` says which call
        (DongBoHoSoMC or CapNhatTienDoHoSoMC). Success is error_code "00", as OpenCPS expects."""
        _, outcome = await ingest("integration", request)
        return {
            "error_code": "00",
            "message": "Thành công",
            "results": [r.as_dvcqg() for r in outcome.results],
        }

    async def publish_one(who: Caller, action: str, event: Any) -> dict[str, Any]:
        async with pool().acquire() as conn, conn.transaction():
            await stage(conn, [event])
            await audit.record(
                conn,
                actor=who.actor,
                agency_code=who.agency_code,
                action=action,
                outcome="accepted",
                details={"event_id": str(event.event_id)},
            )
        return {"accepted": True, "event_id": str(event.event_id)}

    @api.post("/v1/plan/progress", status_code=202, **Access.api_key(Role.DEPARTMENT_SYSTEM))
    async def plan_progress(
        request: Request, who: Annotated[Caller, Depends(caller)]
    ) -> dict[str, Any]:
        """An agency reports progress on one of its plan assignments."""
        body = parse(ProgressBody, await read_json(request))
        submission = parse(
            ProgressSubmission,
            {**body.model_dump(), "agency_code": who.agency_code, "submitted_at": now_vn()},
        )
        event = ProgressSubmitted(producer=PRODUCER, payload=submission)
        return await publish_one(who, "plan.progress", event)

    @api.post("/v1/plan/monthly-reports", status_code=202, **Access.api_key(Role.DEPARTMENT_SYSTEM))
    async def monthly_report(
        request: Request, who: Annotated[Caller, Depends(caller)]
    ) -> dict[str, Any]:
        """An agency's monthly report on the plan (section IV.1.c)."""
        body = parse(MonthlyReportBody, await read_json(request))
        submission = parse(
            MonthlyReportSubmission,
            {**body.model_dump(), "agency_code": who.agency_code, "submitted_at": now_vn()},
        )
        event = MonthlyReportSubmitted(producer=PRODUCER, payload=submission)
        return await publish_one(who, "plan.monthly_report", event)

    @api.post("/v1/camera/events", status_code=202, **Access.api_key(Role.DEPARTMENT_SYSTEM))
    async def camera_event(
        request: Request, who: Annotated[Caller, Depends(caller)]
    ) -> dict[str, Any]:
        """The Center's camera system reports a camera online, offline or an incident."""
        status = parse(CameraStatus, await read_json(request))
        event = CameraStatusChanged(producer=PRODUCER, payload=status)
        return await publish_one(who, "camera.status", event)

    @api.get("/v1/public/dossiers/{ma_ho_so}", **access.public(limited=True))
    async def public_dossier(ma_ho_so: str) -> dict[str, Any]:
        """For the city portal (task 19): where a dossier stands, nothing personal."""
        found = await dossier_store.public_view(pool(), ma_ho_so)
        if found is None:
            raise ApiError(404, f"no dossier {ma_ho_so}")
        return {
            "MaHoSo": found["ma_ho_so"],
            "MaTTHC": found["ma_tthc"],
            "TenTTHC": found["ten_tthc"],
            "TrangThaiHoSo": found["trang_thai_ho_so"],
            "NgayTiepNhan": found["ngay_tiep_nhan"].isoformat(),
            "NgayHenTra": found["due_at_in_force"].isoformat(),
            "NgayKetThucXuLy": _iso(found["ngay_ket_thuc_xu_ly"]),
            "NgayTra": _iso(found["ngay_tra"]),
        }

    # --- administration (the pasc CLI) -----------------------------------------------------

    @api.post("/admin/keys", status_code=201, **access.allow(Role.OPERATOR))
    async def issue_key(body: KeyRequest, who: Annotated[str, Depends(admin)]) -> dict[str, str]:
        try:
            async with pool().acquire() as conn, conn.transaction():
                key_id, key = await identity.issue(
                    conn,
                    vault,
                    agency_code=body.agency,
                    label=body.label,
                    actor=who,
                    username=body.username,
                    unit_code=body.unit_code,
                )
        except identity.InvalidAgency as exc:
            raise ApiError(400, str(exc), "agency") from exc
        return {"key_id": key_id, "agency": body.agency, "api_key": key}

    @api.get("/admin/keys", **access.allow(Role.OPERATOR))
    async def list_keys(
        who: Annotated[str, Depends(admin)], agency: str | None = None
    ) -> list[dict[str, Any]]:
        return await keys_store.listing(pool(), agency)

    @api.post("/admin/keys/{key_id}/revoke", **access.allow(Role.OPERATOR))
    async def revoke_key(key_id: str, who: Annotated[str, Depends(admin)]) -> dict[str, Any]:
        async with pool().acquire() as conn, conn.transaction():
            agency = await keys_store.revoke(conn, key_id, now_vn())
            if agency is None:
                raise ApiError(404, f"no active key {key_id}")
            await audit.record(
                conn,
                actor=who,
                agency_code=agency,
                action="key.revoked",
                outcome="ok",
                details={"key_id": key_id},
            )
        return {"key_id": key_id, "revoked": True}

    @api.post("/admin/import/{agency}", **access.allow(Role.OPERATOR))
    async def admin_import(
        agency: str, request: Request, who: Annotated[str, Depends(admin)]
    ) -> dict[str, Any]:
        """A legacy system's records, imported from a file by the office on the agency's behalf."""
        _, outcome = await ingest("DongBoHoSoMC", request, agency=agency)
        return {"error_code": "0", "results": [r.as_dvcqg() for r in outcome.results]}

    @api.post("/admin/corrections/{agency}", **access.allow(Role.OPERATOR))
    async def admin_correction(
        agency: str, request: Request, who: Annotated[str, Depends(admin)]
    ) -> dict[str, Any]:
        """The audited correction path: records that change a final dossier (a processed or
        returned dossier is otherwise frozen), sent by the office on the agency's behalf after
        the agency's written request. Each correction is in the audit log as such."""
        _, outcome = await ingest("DongBoHoSoMC", request, agency=agency, correction=True)
        return {"error_code": "0", "results": [r.as_dvcqg() for r in outcome.results]}

    @api.get("/admin/audit", **access.allow(Role.OPERATOR))
    async def audit_entries(
        who: Annotated[str, Depends(admin)],
        agency: str | None = None,
        action: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        return await audit.entries(
            pool(), agency_code=agency, action=action, limit=min(limit, 1000)
        )

    @api.put("/admin/connectors/{name}", **access.allow(Role.OPERATOR))
    async def put_connector(
        name: str, body: ConnectorRequest, who: Annotated[str, Depends(admin)]
    ) -> dict[str, Any]:
        if body.name != name:
            raise ApiError(400, "name in the path and the body differ", "name")
        connector = Connector(
            name=name,
            kind=body.kind,
            endpoint=body.endpoint,
            topics=tuple(body.topics),
            agency_code=body.agency_code,
            secret=body.secret,
        )
        async with pool().acquire() as conn, conn.transaction():
            await connector_store.save(conn, connector, vault)
            await audit.record(
                conn,
                actor=who,
                agency_code=body.agency_code,
                action="connector.saved",
                outcome="ok",
                details={"name": name, "endpoint": body.endpoint, "topics": body.topics},
            )
        return _connector_view(connector)

    @api.get("/admin/connectors", **access.allow(Role.OPERATOR))
    async def get_connectors(who: Annotated[str, Depends(admin)]) -> dict[str, Any]:
        connectors = await connector_store.all_connectors(pool(), vault)
        return {
            "connectors": [_connector_view(c) for c in connectors],
            "deliveries": await connector_store.counts(pool()),
        }

    @api.post("/admin/connectors/{name}/{action}", **access.allow(Role.OPERATOR))
    async def connector_action(
        name: str, action: str, who: Annotated[str, Depends(admin)], status: str = "dead"
    ) -> dict[str, Any]:
        if action not in ("pause", "resume", "replay"):
            raise ApiError(404, f"unknown action {action}")
        async with pool().acquire() as conn, conn.transaction():
            if await connector_store.by_name(conn, name, None) is None:
                raise ApiError(404, f"no connector {name}")
            result: dict[str, Any] = {"name": name, "action": action}
            if action == "replay":
                if status not in ("dead", "all"):
                    raise ApiError(400, "status must be dead or all", "status")
                result["requeued"] = await connector_store.replay(conn, name, status)
            else:
                await connector_store.set_paused(conn, name, action == "pause")
            await audit.record(
                conn, actor=who, action=f"connector.{action}", outcome="ok", details=result
            )
        return result

    @api.get("/admin/deliveries", **access.allow(Role.OPERATOR))
    async def deliveries(
        who: Annotated[str, Depends(admin)],
        connector: str | None = None,
        status: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        return await connector_store.listing(pool(), connector, status, min(limit, 1000))

    return api


def _connector_view(c: Connector) -> dict[str, Any]:
    return {
        "name": c.name,
        "kind": c.kind.value,
        "endpoint": c.endpoint,
        "topics": list(c.topics),
        "agency_code": c.agency_code,
        "paused": c.paused,
        "signed": bool(c.secret),
    }


def _endpoint(request: Request) -> str:
    """The route's template (bounded label values), not the raw path."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
