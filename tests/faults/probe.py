"""The end-to-end probe: a new dossier every half second, from a department's POST to reporting.

Its delay (first attempt to send → visible in reporting's read model) is how long the platform
took to recover: a probe sent just after a fault waits out the whole outage. The probes live
in a month of their own, so they never touch a scenario's figures; they are checked like any
other record (each reflected once).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from pasc_contracts import VN_TZ
from pasc_contracts.dvcqg import format_dvcqg_date
from pasc_simulator.catalog import SimProcedure
from support import keycloak

RECEIVED = datetime(2023, 1, 2, 9, 0, tzinfo=VN_TZ)  # before every scenario's month


@dataclass
class Sample:
    ma_ho_so: str
    sent_at: float
    accepted_at: float | None = None
    reflected_at: float | None = None

    @property
    def delay(self) -> float | None:
        return None if self.reflected_at is None else self.reflected_at - self.sent_at


@dataclass
class Probe:
    gateway_url: str
    reporting_url: str
    key: str
    procedure: SimProcedure
    run_id: str
    interval_s: float = 0.5
    samples: list[Sample] = field(default_factory=list)

    def record(self, ma_ho_so: str) -> dict[str, object]:
        return {
            "MaHoSo": ma_ho_so,
            "MaTTHC": self.procedure.ma_tthc,
            "KenhThucHien": 2,
            "ChuHoSo": "Đầu dò",
            "SoGiayToChuHoSo": "000000000000",
            "NgayTiepNhan": format_dvcqg_date(RECEIVED),
            "NgayHenTra": format_dvcqg_date(RECEIVED + timedelta(days=10)),
            "TrangThaiHoSo": 2,
        }

    async def run(self, stop: asyncio.Event) -> None:
        watchers: set[asyncio.Task[None]] = set()
        async with (
            httpx.AsyncClient(base_url=self.gateway_url, timeout=10) as gateway,
            httpx.AsyncClient(
                base_url=self.reporting_url, timeout=5, auth=keycloak.auth("office")
            ) as reporting,
        ):
            n = 0
            while not stop.is_set():
                n += 1
                sample = Sample(f"PROBE.{self.run_id}-{n:05d}", time.monotonic())
                self.samples.append(sample)
                await self._send(gateway, sample, stop)
                task = asyncio.create_task(self._watch(reporting, sample))
                watchers.add(task)
                task.add_done_callback(watchers.discard)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.interval_s)
            pending = set(watchers)
            if pending:
                await asyncio.wait(pending, timeout=120)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _send(self, client: httpx.AsyncClient, sample: Sample, stop: asyncio.Event) -> None:
        body = {
            "service": "DongBoHoSoMC",
            "isUpdating": "False",
            "data": [self.record(sample.ma_ho_so)],
        }
        while True:
            with contextlib.suppress(httpx.HTTPError):
                response = await client.post(
                    "/v1/dvcqg/DongBoHoSoMC", json=body, headers={"X-API-Key": self.key}
                )
                if response.status_code == 200:
                    if not response.json()["results"][0]["accepted"]:
                        raise AssertionError(f"probe refused: {response.text}")
                    sample.accepted_at = time.monotonic()
                    return
            if stop.is_set() and time.monotonic() - sample.sent_at > 120:
                return
            await asyncio.sleep(0.2)

    async def _watch(self, client: httpx.AsyncClient, sample: Sample) -> None:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                response = await client.get(f"/v1/dossiers/{sample.ma_ho_so}")
                if response.status_code == 200:
                    sample.reflected_at = time.monotonic()
                    return
            await asyncio.sleep(0.1)

    def worst_delay(self, start: float, end: float) -> float | None:
        """The longest delay of the probes sent from `start` to `end` (and the first one after):
        None if one of them never arrived."""
        window = [s for s in self.samples if start <= s.sent_at <= end]
        window += [s for s in self.samples if s.sent_at > end][:1]
        if not window:
            return None
        delays = [s.delay for s in window]
        if any(d is None for d in delays):
            return None
        return max(d for d in delays if d is not None)
