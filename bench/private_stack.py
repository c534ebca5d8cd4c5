"""The benchmark's own platform: a private Kafka cluster and the services of this checkout.

The benchmark writes millions of events. On the shared local broker they would stay in the
contract topics, and every consumer group started afterwards (each integration test starts
fresh ones) would replay them. So the benchmark starts its own brokers on free ports (the fault
suite's three-node cluster, tests/faults/cluster.py: replication 3, min.insync.replicas 2) and
runs catalog, gateway and reporting from this checkout against it, each in a fresh schema of
the local PostgreSQL; sign-in uses the local Keycloak. Everything is stopped and the schemas
dropped at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from faults.cluster import REPLICATION, KafkaCluster  # noqa: E402  (tests/ is on the path)

from pasc_runtime.settings import LOCAL_DATABASE  # noqa: E402
from support.processes import ServiceProcess  # noqa: E402

DATABASE = os.environ.get("DATABASE_URL", LOCAL_DATABASE)
MODULES = {
    "catalog": "catalog_service",
    "gateway": "integration_gateway",
    "reporting": "reporting_service",
}
# The benchmark polls single dossiers every 10 ms with one user's token: the per-subject rate
# limit is lifted, as `make bench` does for the local stack.
ENV = {
    "RATE_LIMIT_SUBJECT": "1000000/minute",
    "LOG_LEVEL": "WARNING",
    "TOPIC_REPLICATION_FACTOR": "3",
}


@dataclass
class PrivateStack:
    cluster: KafkaCluster
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    replicas: dict[str, list[ServiceProcess]] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        return self.cluster.service_bootstrap

    def url(self, name: str) -> str:
        return self.services[name].url

    def schema(self, name: str) -> str:
        return self.services[name].schema

    def start_service(self, name: str) -> ServiceProcess:
        service = ServiceProcess.create(
            MODULES[name], kafka=self.bootstrap, database_url=DATABASE, extra_env=ENV
        )
        service.start(timeout=240)
        self.services[name] = service
        return service

    def add_replica(self, name: str) -> ServiceProcess:
        """A second process of `name`: same service name (consumer groups) and schema."""
        first = self.services[name]
        replica = ServiceProcess.create(
            first.module,
            kafka=self.bootstrap,
            database_url=DATABASE,
            extra_env=ENV,
            name=first.name,
            schema=first.schema,
        )
        replica.start(timeout=240)
        self.replicas.setdefault(name, []).append(replica)
        return replica

    def stop_replicas(self) -> None:
        for replicas in self.replicas.values():
            for replica in replicas:
                replica.stop()
        self.replicas.clear()

    def pids(self) -> dict[str, int]:
        """The first process of each service (for peak RSS and py-spy)."""
        return {
            ("integration-gateway" if n == "gateway" else f"{n}-service"): s.process.pid
            for n, s in self.services.items()
            if s.process is not None
        }


@contextlib.contextmanager
def private_stack(brokers: int = 3) -> Iterator[PrivateStack]:
    directory = Path(tempfile.mkdtemp(prefix="pasc-bench-kafka-"))
    cluster = KafkaCluster(directory, size=brokers)
    stack = PrivateStack(cluster)
    try:
        cluster.prepare()
        cluster.start(timeout=240)
        asyncio.run(cluster.create_contract_topics())
        for name in MODULES:
            stack.start_service(name)
        yield stack
    finally:
        stack.stop_replicas()
        for service in stack.services.values():
            service.stop()
        cluster.stop()
        asyncio.run(_drop_schemas([s.schema for s in stack.services.values()]))
        shutil.rmtree(directory, ignore_errors=True)


async def _drop_schemas(schemas: list[str]) -> None:
    conn = await asyncpg.connect(DATABASE)
    try:
        for schema in schemas:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def replication() -> int:
    """The contract topics' replication on the private cluster (raw baselines use the same)."""
    return REPLICATION
