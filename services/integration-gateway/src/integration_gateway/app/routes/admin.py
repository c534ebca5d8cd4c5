"""Administration, for the `pasc` CLI and the operator: API keys, the office's imports and
corrections on an agency's behalf, the audit log, outbound connectors and their deliveries."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator

from integration_gateway.adapters import audit, connector_store, keys_store, lineage_store
from integration_gateway.app import errors, identity
from integration_gateway.app.routes.context import AdminDep, GatewayDep
from integration_gateway.app.routes.dvcqg import DONG_BO_BODY, ingest, results
from integration_gateway.domain.delivery import Connector, ConnectorKind, is_webhook_secret
from pasc_contracts import now_vn
from pasc_runtime.api_docs import with_openapi
from pasc_runtime.api_errors import ApiError, error_responses
from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow

router = APIRouter(tags=["Quản trị"])
OPERATOR = allow(Role.OPERATOR)
REFUSALS = error_responses(400, ApiError(401, errors.ADMIN_TOKEN_REQUIRED.code), 403, 429)


class KeyRequest(BaseModel):
    agency: str
    label: str | None = Field(default=None, max_length=200)
    username: str | None = None
    unit_code: str | None = None


class TransitionRequest(BaseModel):
    accepted_until: date = Field(
        description="The last day the predecessor's API keys and numbering are accepted."
    )


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
            raise ValueError("phải là whsec_ và base64 của 24 đến 64 byte ngẫu nhiên")
        return value


@router.post("/admin/keys", status_code=201, responses=REFUSALS, **OPERATOR)
async def issue_key(body: KeyRequest, gw: GatewayDep, who: AdminDep) -> dict[str, str]:
    """Issue an API key for an agency's system (shown once)."""
    try:
        async with gw.pool().acquire() as conn, conn.transaction():
            key_id, key = await identity.issue(
                conn,
                gw.vault,
                agency_code=body.agency,
                label=body.label,
                actor=who,
                username=body.username,
                unit_code=body.unit_code,
            )
    except identity.InvalidAgency as exc:
        raise ApiError(400, errors.INVALID_AGENCY.code, str(exc), "agency") from exc
    issued = {"key_id": key_id, "agency": body.agency, "api_key": key}
    ended = (await lineage_store.successions(gw.pool())).get(body.agency)
    if ended is not None and ended.effective_from <= now_vn().date():
        # Allowed (loading the agency's history, replaying a past month), but said: such a key
        # speaks for the ended agency itself and is never bound to its successors.
        issued["warning"] = (
            f"cơ quan {body.agency} đã kết thúc từ ngày {ended.effective_from:%d/%m/%Y}"
            f" (quyết định {ended.decision_no}); khóa này chỉ dùng cho hồ sơ của chính cơ"
            f" quan đó, không chuyển cho {', '.join(ended.successors) or 'cơ quan nào'}"
        )
    return issued


@router.get("/admin/lineage", responses=REFUSALS, **OPERATOR)
async def list_lineage(gw: GatewayDep, who: AdminDep) -> list[dict[str, Any]]:
    """Agencies that ended, their successors and the last day their old keys are accepted."""
    successions = await lineage_store.successions(gw.pool())
    days = gw.settings.lineage_transition_days
    return [
        {
            "agency": s.predecessor,
            "successors": list(s.successors),
            "kind": s.kind,
            "effective_from": s.effective_from,
            "decision_no": s.decision_no,
            "accepted_until": s.transition_end(days) if s.successors else None,
            "set_by_operator": s.accepted_until is not None,
        }
        for s in sorted(successions.values(), key=lambda s: (s.effective_from, s.predecessor))
    ]


@router.put(
    "/admin/lineage/{agency}",
    responses={**REFUSALS, **error_responses(ApiError(404, errors.AGENCY_NOT_SUCCEEDED.code))},
    **OPERATOR,
)
async def set_transition(
    agency: str, body: TransitionRequest, gw: GatewayDep, who: AdminDep
) -> dict[str, Any]:
    """The transition period of one predecessor: its old keys are bound to the successor
    through `accepted_until`, refused after."""
    if not identity.AGENCY_CODE.match(agency):
        raise ApiError(400, errors.INVALID_AGENCY.code, field="agency")
    async with gw.pool().acquire() as conn, conn.transaction():
        if not await lineage_store.set_transition(conn, agency, body.accepted_until, who):
            raise ApiError(404, errors.AGENCY_NOT_SUCCEEDED.code, field="agency")
        await audit.record(
            conn,
            actor=who,
            agency_code=agency,
            action="lineage.transition_set",
            outcome="ok",
            details={"accepted_until": body.accepted_until.isoformat()},
        )
    return {"agency": agency, "accepted_until": body.accepted_until}


@router.get("/admin/keys", responses=REFUSALS, **OPERATOR)
async def list_keys(
    gw: GatewayDep, who: AdminDep, agency: str | None = None
) -> list[dict[str, Any]]:
    return await keys_store.listing(gw.pool(), agency)


@router.post(
    "/admin/keys/{key_id}/revoke",
    responses={**REFUSALS, **error_responses(ApiError(404, errors.KEY_NOT_FOUND.code))},
    **OPERATOR,
)
async def revoke_key(key_id: str, gw: GatewayDep, who: AdminDep) -> dict[str, Any]:
    async with gw.pool().acquire() as conn, conn.transaction():
        agency = await keys_store.revoke(conn, key_id, now_vn())
        if agency is None:
            raise ApiError(404, errors.KEY_NOT_FOUND.code, field="key_id")
        await audit.record(
            conn,
            actor=who,
            agency_code=agency,
            action="key.revoked",
            outcome="ok",
            details={"key_id": key_id},
        )
    return {"key_id": key_id, "revoked": True}


@router.post(
    "/admin/import/{agency}",
    responses=REFUSALS,
    **with_openapi(OPERATOR, DONG_BO_BODY),
)
async def admin_import(
    agency: str, request: Request, gw: GatewayDep, who: AdminDep
) -> dict[str, Any]:
    """A legacy system's records, imported from a file by the office on the agency's behalf."""
    outcome = await ingest(gw, "DongBoHoSoMC", request, agency=agency)
    return {"error_code": "0", "results": results(outcome)}


@router.post(
    "/admin/corrections/{agency}",
    responses=REFUSALS,
    **with_openapi(OPERATOR, DONG_BO_BODY),
)
async def admin_correction(
    agency: str, request: Request, gw: GatewayDep, who: AdminDep
) -> dict[str, Any]:
    """The audited correction path: records that change a final dossier (a processed or
    returned dossier is otherwise frozen), sent by the office on the agency's behalf after
    the agency's written request. Each correction is in the audit log as such."""
    outcome = await ingest(gw, "DongBoHoSoMC", request, agency=agency, correction=True)
    return {"error_code": "0", "results": results(outcome)}


@router.get("/admin/audit", responses=REFUSALS, **OPERATOR)
async def audit_entries(
    gw: GatewayDep,
    who: AdminDep,
    agency: str | None = None,
    action: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    return await audit.entries(gw.pool(), agency_code=agency, action=action, limit=min(limit, 1000))


@router.put("/admin/connectors/{name}", responses=REFUSALS, **OPERATOR)
async def put_connector(
    name: str, body: ConnectorRequest, gw: GatewayDep, who: AdminDep
) -> dict[str, Any]:
    if body.name != name:
        raise ApiError(400, errors.NAME_MISMATCH.code, field="name")
    connector = Connector(
        name=name,
        kind=body.kind,
        endpoint=body.endpoint,
        topics=tuple(body.topics),
        agency_code=body.agency_code,
        secret=body.secret,
    )
    async with gw.pool().acquire() as conn, conn.transaction():
        await connector_store.save(conn, connector, gw.vault)
        await audit.record(
            conn,
            actor=who,
            agency_code=body.agency_code,
            action="connector.saved",
            outcome="ok",
            details={"name": name, "endpoint": body.endpoint, "topics": body.topics},
        )
    return _connector_view(connector)


@router.get("/admin/connectors", responses=REFUSALS, **OPERATOR)
async def get_connectors(gw: GatewayDep, who: AdminDep) -> dict[str, Any]:
    connectors = await connector_store.all_connectors(gw.pool(), gw.vault)
    return {
        "connectors": [_connector_view(c) for c in connectors],
        "deliveries": await connector_store.counts(gw.pool()),
    }


@router.post(
    "/admin/connectors/{name}/{action}",
    responses={
        **REFUSALS,
        **error_responses(
            ApiError(404, errors.CONNECTOR_NOT_FOUND.code),
            ApiError(404, errors.UNKNOWN_ACTION.code),
        ),
    },
    **OPERATOR,
)
async def connector_action(
    name: str, action: str, gw: GatewayDep, who: AdminDep, status: str = "dead"
) -> dict[str, Any]:
    if action not in ("pause", "resume", "replay"):
        raise ApiError(404, errors.UNKNOWN_ACTION.code, field="action")
    async with gw.pool().acquire() as conn, conn.transaction():
        if await connector_store.by_name(conn, name, None) is None:
            raise ApiError(404, errors.CONNECTOR_NOT_FOUND.code, field="name")
        result: dict[str, Any] = {"name": name, "action": action}
        if action == "replay":
            if status not in ("dead", "all"):
                raise ApiError(400, errors.INVALID_REPLAY_STATUS.code, field="status")
            result["requeued"] = await connector_store.replay(conn, name, status)
        else:
            await connector_store.set_paused(conn, name, action == "pause")
        await audit.record(
            conn, actor=who, action=f"connector.{action}", outcome="ok", details=result
        )
    return result


@router.get("/admin/deliveries", responses=REFUSALS, **OPERATOR)
async def deliveries(
    gw: GatewayDep,
    who: AdminDep,
    connector: str | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    return await connector_store.listing(gw.pool(), connector, status, min(limit, 1000))


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
