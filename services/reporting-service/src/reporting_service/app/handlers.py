"""Consumers of reporting-service: thin, the rules live in domain/, the SQL in adapters/."""

from __future__ import annotations

import asyncpg

from pasc_contracts import Event
from pasc_contracts.events.dossier import DossierChange
from pasc_runtime.consumer import Rejection
from reporting_service.adapters import read_model_store
from reporting_service.domain.read_model import fold


async def on_dossier_events(conn: asyncpg.Connection, events: list[Event]) -> list[Rejection]:
    snapshots = [
        e.payload.dossier  # type: ignore[attr-defined]
        for e in events
        if isinstance(getattr(e, "payload", None), DossierChange)
    ]
    await read_model_store.save(conn, fold(snapshots))
    return []
