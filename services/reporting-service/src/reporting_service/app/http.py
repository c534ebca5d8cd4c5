"""reporting-service's HTTP API."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import FastAPI, HTTPException

from reporting_service.adapters import read_model_store


def make_api(pool: Callable[[], asyncpg.Pool]) -> FastAPI:
    api = FastAPI(title="reporting-service", docs_url="/docs", openapi_url="/openapi.json")

    @api.get("/v1/dossiers/{ma_ho_so}")
    async def get_dossier(ma_ho_so: str) -> dict[str, object]:
        """The read model's state of one dossier (no personal data is kept here)."""
        found = await read_model_store.dossier(pool(), ma_ho_so)
        if found is None:
            raise HTTPException(404, f"dossier {ma_ho_so} not in the read model")
        return found

    return api
