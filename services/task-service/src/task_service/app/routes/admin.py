"""Operations: running the deadline scheduler once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter

from pasc_runtime.auth import Role
from pasc_runtime.auth.routes import allow, refusals
from task_service.app import errors
from task_service.app.deps import App
from task_service.app.errors import example
from task_service.domain.errors import DomainError, Refusal

router = APIRouter(tags=["Vận hành"])


@router.post(
    "/v1/admin/tick",
    responses=refusals(
        example(errors.TICK_AT_FORBIDDEN, "now"), example(errors.NOW_INVALID, "now")
    ),
    **allow(Role.OPERATOR),
)
async def tick(app: App, now: datetime | None = None) -> dict[str, Any]:
    """Run the alert scheduler once (at `now` only where allow_tick_at is set)."""
    if now is not None and not app.allow_tick_at:
        raise DomainError(
            "now",
            "chạy lịch nhắc hạn tại một thời điểm khác chỉ dùng khi diễn tập (ALLOW_TICK_AT)",
            Refusal.FORBIDDEN,
        )
    if now is not None and now.tzinfo is None:
        raise DomainError("now", "thời điểm phải có múi giờ, ví dụ 2023-04-20T08:00:00+07:00")
    result = await app.scheduler.tick_once(now)
    return result.__dict__
