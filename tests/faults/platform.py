"""The platform the fault suite breaks: its own Kafka cluster and PostgreSQL, a gateway, a
reporting-service, and two stub external systems (the CIOC, a department system).

The gateway reaches the brokers through a proxy (faults/partition.py) that a scenario can
cut: a network partition between it and Kafka, with every process still running.

The catalog reaches the gateway and reporting the way catalog-service publishes it
(`procedure.registered` events on catalog.procedures.v1) for the synthetic catalog's
procedures received at the Center; each agency gets an API key; the gateway pushes KPI
snapshots to the CIOC stub and one department's dossier events to the department stub.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from faults.cluster import KafkaCluster
from faults.partition import Partition
from faults.postgres import Postgres
from pasc_contracts.events.catalog import Procedure, ProcedureRegistered
from pasc_simulator.catalog import SimProcedure, load_catalog
from support import keycloak
from support.kafka import publish
from support.processes import ServiceProcess
from support.stub_server import StubServer

REPO = Path(__file__).resolve().parents[2]
CATALOG_CSV = REPO / "services" / "catalog-service" / "data" / "tthc-synthetic.csv"
DEPARTMENT = "SXD"  # the department whose system receives its dossiers' events

GATEWAY_ENV = {
    "TOPIC_REPLICATION_FACTOR": "3",
    # A CIOC down for minutes must not exhaust the attempts (1+2+4+8+15*16 s > 4 min), and
    # deliveries resume within 15 s of its return.
    "DELIVERY_BASE_BACKOFF_S": "1",
    "DELIVERY_MAX_BACKOFF_S": "15",
    "DELIVERY_MAX_ATTEMPTS": "20",
    "DELIVERY_POLL_INTERVAL_S": "0.2",
    # The probes poll single dossiers every 0.1 s each with one user's token: not an abuse.
    "RATE_LIMIT_SUBJECT": "1000000/minute",
}
REPORTING_ENV = {
    "TOPIC_REPLICATION_FACTOR": "3",
    "SNAPSHOT_DEBOUNCE_S": "2",
    "SNAPSHOT_INTERVAL_S": "10",
    "RATE_LIMIT_SUBJECT": "1000000/minute",
}


@dataclass
class Platform:
    cluster: KafkaCluster
    postgres: Postgres
    gateway: ServiceProcess
    reporting: ServiceProcess
    partition: Partition  # between the gateway and the brokers
    cioc: StubServer = field(default_factory=StubServer)
    department: StubServer = field(default_factory=StubServer)
    procedures: list[SimProcedure] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    extra: list[ServiceProcess] = field(default_factory=list)  # replicas started by a scenario

    @classmethod
    def create(cls, state: Path) -> Platform:
        cluster = KafkaCluster(state / "kafka")
        postgres = Postgres(state / "pg")
        gateway = ServiceProcess.create(
            "integration_gateway",
            kafka=cluster.proxied_bootstrap,
            database_url=postgres.url,
            extra_env=GATEWAY_ENV,
        )
        reporting = ServiceProcess.create(
            "reporting_service",
            kafka=cluster.service_bootstrap,
            database_url=postgres.url,
            extra_env=REPORTING_ENV,
        )
        return cls(cluster, postgres, gateway, reporting, Partition(cluster.proxy_routes))

    def service(self, module: str, env: dict[str, str]) -> ServiceProcess:
        """Another service on this platform (stopped with it), not started yet."""
        started = ServiceProcess.create(
            module,
            kafka=self.cluster.service_bootstrap,
            database_url=self.postgres.url,
            extra_env={"TOPIC_REPLICATION_FACTOR": "3", **env},
        )
        self.extra.append(started)
        return started

    def replica(self, of: ServiceProcess) -> ServiceProcess:
        """A second instance of `of`: same name (consumer groups) and schema, another port."""
        env = {k: v for k, v in of.env.items() if k not in ("SERVICE_NAME", "DB_SCHEMA")}
        twin = ServiceProcess.create(
            of.module,
            kafka=self.cluster.service_bootstrap,
            database_url=self.postgres.url,
            extra_env={k: env[k] for k in (*GATEWAY_ENV, *REPORTING_ENV) if k in env},
            name=of.name,
            schema=of.schema,
        )
        self.extra.append(twin)
        return twin

    def start(self) -> None:
        self.cluster.prepare()
        for node_id in self.cluster.nodes:
            self.cluster.start_node(node_id)
        self.postgres.prepare()  # while the brokers start
        self.postgres.start()
        self.cluster.wait_brokers(len(self.cluster.nodes))
        asyncio.run(self.cluster.create_contract_topics())
        self.cioc.up()
        self.department.up()
        self.partition.start()
        self.gateway.start()
        asyncio.run(self._connect_systems())  # before reporting publishes its first snapshot
        self.reporting.start()
        asyncio.run(self._publish_catalog())

    def describe(self) -> str:
        processes = [
            *(
                f"kafka-{n}={node.process.pid}"
                for n, node in self.cluster.nodes.items()
                if node.process
            ),
            *(
                f"{s.name}={s.process.pid}"
                for s in (self.gateway, self.reporting, *self.extra)
                if s.process
            ),
            f"postgres={self.postgres.process.pid if self.postgres.process else None}",
        ]
        return (
            f"kafka {self.cluster.bootstrap}; {self.postgres.url}; gateway {self.gateway.url}"
            f" ({self.gateway.schema}); reporting {self.reporting.url} ({self.reporting.schema});"
            f" pids {' '.join(processes)}"
        )

    def stop(self) -> None:
        for service in (*self.extra, self.gateway, self.reporting):
            service.stop()
        self.cioc.down()
        self.department.down()
        self.postgres.stop()
        self.partition.stop()
        self.cluster.stop(graceful=False)  # throwaway data: no controlled shutdown to wait for

    async def _connect_systems(self) -> None:
        """The agencies' keys and the connectors, as an operator sets them up."""
        self.procedures = load_catalog(CATALOG_CSV)
        operator = keycloak.auth("operator")
        async with httpx.AsyncClient(
            base_url=self.gateway.url, timeout=30, auth=operator
        ) as client:
            for agency in sorted({p.agency_code for p in self.procedures}):
                response = await client.post(
                    "/admin/keys", json={"agency": agency, "label": "fault suite"}
                )
                assert response.status_code == 201, response.text
                self.keys[agency] = response.json()["api_key"]
            connectors = [
                {
                    "name": "cioc",
                    "kind": "cioc",
                    "endpoint": self.cioc.url,
                    "topics": ["kpi.snapshots.v1"],
                },
                {
                    "name": f"dept-{DEPARTMENT.lower()}",
                    "kind": "department",
                    "endpoint": self.department.url,
                    "topics": ["dossier.lifecycle.v1"],
                    "agency_code": DEPARTMENT,
                },
            ]
            for connector in connectors:
                response = await client.put(
                    f"/admin/connectors/{connector['name']}", json=connector
                )
                assert response.status_code == 200, response.text

    async def _publish_catalog(self) -> None:
        """The catalog as catalog-service publishes it; waits until the gateway knows it."""
        events = [
            ProcedureRegistered(
                producer="catalog-service",
                payload=Procedure(
                    ma_tthc=p.ma_tthc,
                    ten_tthc=p.ten_tthc,
                    ma_linh_vuc=p.ma_linh_vuc or None,
                    ten_linh_vuc=p.ten_linh_vuc or None,
                    agency_code=p.agency_code,
                    at_center=True,
                    effective_from=date(2023, 4, 1),
                    catalog_version=1,
                ),
            )
            for p in self.procedures
        ]
        await publish(self.cluster.bootstrap, events)
        codes = {p.ma_tthc for p in self.procedures}
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            rows = await self.query(
                f"SELECT count(*) AS n FROM {self.gateway.schema}.procedures"
                " WHERE ma_tthc = ANY($1::text[])",
                list(codes),
            )
            if rows[0]["n"] == len(codes):
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"the gateway learned {rows[0]['n']} of {len(codes)} procedures")

    @asynccontextmanager
    async def db(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await asyncpg.connect(self.postgres.url)
        try:
            yield conn
        finally:
            await conn.close()

    async def query(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        """One query, retried while PostgreSQL is restarting."""
        deadline = time.monotonic() + 60
        while True:
            try:
                async with self.db() as conn:
                    return list(await conn.fetch(sql, *args))
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
