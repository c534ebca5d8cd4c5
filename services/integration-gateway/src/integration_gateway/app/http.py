"""The gateway's HTTP API: the DVCQG sync calls, plan reports, camera webhook, public lookup, admin."""

import asyncio
import ipaddress
import json
from collections.abc import Callable
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError

from integration_gateway.adapters import audit, connector_store, dossier_store, keys_store
from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.app import identity
from integration_gateway.app.identity import Caller
from integration_gateway.app.ingest import IngestOutcome, audit_ingest, record_steps, sync_dossiers
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.domain.delivery import Connector, ConnectorKind
from integration_gateway.domain.dossier_rules import PRODUCER
from integration_gateway.domain.identity import hmac_equal
from integration_gateway.settings import Settings
from pasc_contracts import now_vn
from pasc_contracts.codec import describe_validation_error
from pasc_contracts.dvcqg import CapNhatTienDoHoSoMC, DongBoHoSoMC
from pasc_contracts.events.camera import CameraStatus, CameraStatusChanged
from pasc_contracts.events.plan import (
    MonthlyReportSubmission,
    MonthlyReportSubmitted,
    ProgressSubmission,
    ProgressSubmitted,
)
from pasc_runtime.outbox import stage

Pool = Callable[[], asyncpg.Pool]


class ApiError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        self.status, self.message, self.field = status, message, field


class KeyRequest(BaseModel):
    agency: str
    label: str | None = None


class ConnectorRequest(BaseModel):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,62}$")
    kind: ConnectorKind
    endpoint: str = Field(pattern=r"^https?://")
    topics: list[str] = Field(min_length=1)
    agency_code: str | None = None
    secret: str | None = None


class ProgressBody(BaseModel):
    plan_id: str
    task_no: int
    percent: int
    status: str | None = None
    note: str | None = None
    result_ref: str | None = None
    reporter: str | None = None
    reason: str | None = None  # required by task-service to lower progress or report a blocker


class MonthlyReportBody(BaseModel):
    plan_id: str
    month: str
    summary: str


def make_api(pool: Pool, settings: Settings, metrics: GatewayMetrics) -> FastAPI:
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
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_body_bytes:
            raise ApiError(413, f"body larger than {settings.max_body_bytes} bytes")
        body = bytearray()
        try:
            async with asyncio.timeout(settings.body_timeout_s):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > settings.max_body_bytes:
                        raise ApiError(413, f"body larger than {settings.max_body_bytes} bytes")
        except TimeoutError:
            raise ApiError(408, f"body not received within {settings.body_timeout_s:g}s") from None
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError(400, f"body is not JSON: {exc}") from exc

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

    async def caller(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
        x_pasc_agency: Annotated[str | None, Header()] = None,
    ) -> Caller:
        presented = x_api_key or (authorization or "").removeprefix("Bearer ").strip() or None
        found = await identity.authenticate(pool(), presented)
        if found is None:
            raise await refuse(
                request,
                401,
                "a valid API key is required (X-API-Key or Authorization: Bearer)",
                "anonymous",
                presented_key_id=identity.key_id_of(presented or ""),
            )
        if x_pasc_agency is not None and x_pasc_agency != found.agency_code:
            raise await refuse(
                request,
                403,
                f"X-PASC-Agency: this key belongs to {found.agency_code}, not {x_pasc_agency[:16]}",
                found.actor,
                claimed_agency=x_pasc_agency[:16],
            )
        return found

    async def admin(request: Request, x_admin_token: Annotated[str | None, Header()] = None) -> str:
        if admin_token:
            if x_admin_token is None or not hmac_equal(x_admin_token, admin_token):
                raise await refuse(
                    request, 401, "admin token required (X-Admin-Token)", "anonymous"
                )
            return "admin"
        client = request.client.host if request.client else ""
        try:
            local = ipaddress.ip_address(client).is_loopback
        except ValueError:
            local = False
        if not local:
            raise await refuse(
                request,
                403,
                "admin endpoints answer loopback clients when ADMIN_TOKEN is unset",
                "anonymous",
            )
        return "admin@localhost"

    async def ingest(
        action: str, who: Caller, request: Request, agency: str | None = None
    ) -> dict[str, Any]:
        on_behalf = agency or who.agency_code
        model = DongBoHoSoMC if action == "DongBoHoSoMC" else CapNhatTienDoHoSoMC
        try:
            body = parse(model, await read_json(request))
        except ApiError as exc:
            async with pool().acquire() as conn:
                await audit.record(
                    conn,
                    actor=who.actor,
                    agency_code=on_behalf,
                    action=f"http.{action}",
                    outcome=f"refused {exc.status}",
                    details={"reason": exc.message, "field": exc.field},
                )
            metrics.requests.labels(f"/v1/dvcqg/{action}", str(exc.status)).inc()
            raise
        async with pool().acquire() as conn, conn.transaction():
            outcome: IngestOutcome
            if action == "DongBoHoSoMC":
                outcome = await sync_dossiers(
                    conn,
                    agency=on_behalf,
                    records=body.data,
                    pseudonym_secret=settings.pseudonym_secret.get_secret_value(),
                )
            else:
                outcome = await record_steps(conn, agency=on_behalf, records=body.data)
            await audit_ingest(
                conn, actor=who.actor, agency=on_behalf, action=f"http.{action}", outcome=outcome
            )
        metrics.count(on_behalf, outcome)
        metrics.requests.labels(f"/v1/dvcqg/{action}", "200").inc()
        return {"error_code": "0", "results": [r.as_dvcqg() for r in outcome.results]}

    @api.post("/v1/dvcqg/DongBoHoSoMC")
    async def dong_bo_ho_so(
        request: Request, who: Annotated[Caller, Depends(caller)]
    ) -> dict[str, Any]:
        """Sync dossier records, exactly as sent to the National Public Service Portal."""
        return await ingest("DongBoHoSoMC", who, request)

    @api.post("/v1/dvcqg/CapNhatTienDoHoSoMC")
    async def cap_nhat_tien_do(
        request: Request, who: Annotated[Caller, Depends(caller)]
    ) -> dict[str, Any]:
        """Processing steps of dossiers the calling agency owns."""
        return await ingest("CapNhatTienDoHoSoMC", who, request)

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

    @api.post("/v1/plan/progress", status_code=202)
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

    @api.post("/v1/plan/monthly-reports", status_code=202)
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

    @api.post("/v1/camera/events", status_code=202)
    async def camera_event(
        request: Request, who: Annotated[Caller, Depends(caller)]
    ) -> dict[str, Any]:
        """The Center's camera system reports a camera online, offline or an incident."""
        status = parse(CameraStatus, await read_json(request))
        event = CameraStatusChanged(producer=PRODUCER, payload=status)
        return await publish_one(who, "camera.status", event)

    @api.get("/v1/public/dossiers/{ma_ho_so}")
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

    @api.post("/admin/keys", status_code=201)
    async def issue_key(body: KeyRequest, who: Annotated[str, Depends(admin)]) -> dict[str, str]:
        try:
            async with pool().acquire() as conn, conn.transaction():
                key_id, key = await identity.issue(
                    conn, vault, agency_code=body.agency, label=body.label, actor=who
                )
        except identity.InvalidAgency as exc:
            raise ApiError(400, str(exc), "agency") from exc
        return {"key_id": key_id, "agency": body.agency, "api_key": key}

    @api.get("/admin/keys")
    async def list_keys(
        who: Annotated[str, Depends(admin)], agency: str | None = None
    ) -> list[dict[str, Any]]:
        return await keys_store.listing(pool(), agency)

    @api.post("/admin/keys/{key_id}/revoke")
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

    @api.post("/admin/import/{agency}")
    async def admin_import(
        agency: str, request: Request, who: Annotated[str, Depends(admin)]
    ) -> dict[str, Any]:
        """A legacy system's records, imported from a file by the office on the agency's behalf."""
        return await ingest("DongBoHoSoMC", Caller(agency, who), request, agency=agency)

    @api.get("/admin/audit")
    async def audit_entries(
        who: Annotated[str, Depends(admin)],
        agency: str | None = None,
        action: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        return await audit.entries(
            pool(), agency_code=agency, action=action, limit=min(limit, 1000)
        )

    @api.put("/admin/connectors/{name}")
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
            await connector_store.save(conn, connector)
            await audit.record(
                conn,
                actor=who,
                agency_code=body.agency_code,
                action="connector.saved",
                outcome="ok",
                details={"name": name, "endpoint": body.endpoint, "topics": body.topics},
            )
        return _connector_view(connector)

    @api.get("/admin/connectors")
    async def get_connectors(who: Annotated[str, Depends(admin)]) -> dict[str, Any]:
        connectors = await connector_store.all_connectors(pool())
        return {
            "connectors": [_connector_view(c) for c in connectors],
            "deliveries": await connector_store.counts(pool()),
        }

    @api.post("/admin/connectors/{name}/{action}")
    async def connector_action(
        name: str, action: str, who: Annotated[str, Depends(admin)], status: str = "dead"
    ) -> dict[str, Any]:
        if action not in ("pause", "resume", "replay"):
            raise ApiError(404, f"unknown action {action}")
        async with pool().acquire() as conn, conn.transaction():
            if await connector_store.by_name(conn, name) is None:
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

    @api.get("/admin/deliveries")
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
