"""Three Kafka brokers (KRaft) on this machine, on ports of their own: the fault suite's cluster.

Every node is broker and controller (a three-voter quorum survives the loss of one), built
from the local stack's jars, JVM options and broker settings (deploy/local/stack_files.py),
with what production has on top: replication factor 3 and min.insync.replicas 2 everywhere,
the contract topics included. The shared broker of `make infra-up` is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from pasc_contracts import TOPICS
from support.processes import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

import stack_files as files

REPLICATION = 3
MIN_INSYNC = 2
HEAP = ["-Xms192m", "-Xmx384m"]


@dataclass
class Node:
    node_id: int
    port: int
    controller_port: int
    directory: Path
    proxied_port: int = 0  # the listener for the service behind faults/partition.py's proxy
    proxy_port: int = 0  # where that proxy listens: the address this listener advertises
    process: subprocess.Popen[bytes] | None = None

    @property
    def config(self) -> Path:
        return self.directory / "server.properties"

    @property
    def log(self) -> Path:
        return self.directory / "broker.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


class KafkaCluster:
    def __init__(self, directory: Path, size: int = 3) -> None:
        self.directory = directory
        self.nodes = {
            n: Node(n, free_port(), free_port(), directory / f"node-{n}", free_port(), free_port())
            for n in range(1, size + 1)
        }

    @property
    def bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{node.port}" for node in self.nodes.values())

    @property
    def service_bootstrap(self) -> str:
        """What the services are given: one broker, they learn the others from it.

        The runtime hands KAFKA_BOOTSTRAP_SERVERS to FastStream as one string, which wraps it
        in a list, so aiokafka reads "a:1,b:2" as a single host and cannot bootstrap (see
        the report: pasc_runtime.kafka.make_broker should split the list).
        """
        return f"127.0.0.1:{self.nodes[1].port}"

    @property
    def proxied_bootstrap(self) -> str:
        """For the one service that reaches the brokers through the partition proxy."""
        return f"127.0.0.1:{self.nodes[1].proxy_port}"

    @property
    def proxy_routes(self) -> dict[int, int]:
        return {node.proxy_port: node.proxied_port for node in self.nodes.values()}

    @property
    def live_bootstrap(self) -> str:
        """Only the running brokers: the admin client of these helpers asks whichever is first."""
        return ",".join(f"127.0.0.1:{n.port}" for n in self.nodes.values() if n.running)

    def properties(self, node: Node) -> dict[str, str]:
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes.values())
        listeners = (
            f"PLAINTEXT://127.0.0.1:{node.port},CONTROLLER://127.0.0.1:{node.controller_port}"
        )
        settings = {k: v for k, v in files.KAFKA_SETTINGS.items() if "quorum" not in k}
        protocols = settings["listener.security.protocol.map"]
        return {
            **settings,
            "node.id": str(node.node_id),
            "controller.quorum.voters": voters,  # a static quorum of the three nodes
            # PROXIED: a service that must be cut off from the brokers (a network partition)
            # is told the proxy's address for every broker.
            "listeners": f"{listeners},PROXIED://127.0.0.1:{node.proxied_port}",
            "advertised.listeners": f"{listeners},PROXIED://127.0.0.1:{node.proxy_port}",
            "listener.security.protocol.map": f"{protocols},PROXIED:PLAINTEXT",
            "log.dirs": str(node.directory / "data"),
            "default.replication.factor": str(REPLICATION),
            "min.insync.replicas": str(MIN_INSYNC),
            "offsets.topic.replication.factor": str(REPLICATION),
            "transaction.state.log.replication.factor": str(REPLICATION),
            "transaction.state.log.min.isr": str(MIN_INSYNC),
            "share.coordinator.state.topic.replication.factor": str(REPLICATION),
            "share.coordinator.state.topic.min.isr": str(MIN_INSYNC),
            "unclean.leader.election.enable": "false",
        }

    def _java(self) -> list[str]:
        log4j = f"-Dlog4j2.configurationFile={files.LOG4J_CONFIG}"
        return [files.java(), log4j, "-cp", f"{files.KAFKA_LIB}/*"]

    def prepare(self) -> None:
        """The jars (fetched once, like `make infra-up`), then each node's formatted storage."""
        files.ensure_kafka_jars()
        cluster_id = files.new_cluster_id()
        formats = []
        for node in self.nodes.values():
            node.directory.mkdir(parents=True, exist_ok=True)
            lines = [f"{k}={v}" for k, v in self.properties(node).items()]
            node.config.write_text("\n".join(lines) + "\n")
            command = [*self._java(), "kafka.tools.StorageTool", "format", "-t", cluster_id]
            formats.append(
                subprocess.Popen(
                    [*command, "-c", str(node.config)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        for node, proc in zip(self.nodes.values(), formats, strict=True):
            output, _ = proc.communicate(timeout=120)
            if proc.returncode != 0:
                raise RuntimeError(f"formatting node {node.node_id} failed:\n{output.decode()}")

    def start_node(self, node_id: int) -> None:
        node = self.nodes[node_id]
        if node.running:
            return
        command = [
            files.java(),
            *HEAP,
            *files.KAFKA_JVM_OPTS,
            "-cp",
            f"{files.KAFKA_LIB}/*",
            "kafka.Kafka",
            str(node.config),
        ]
        with node.log.open("ab") as out:
            node.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)

    def start(self, timeout: float = 120) -> None:
        for node_id in self.nodes:
            self.start_node(node_id)
        self.wait_brokers(len(self.nodes), timeout)

    def wait_brokers(self, count: int, timeout: float = 90) -> None:
        """Until `count` brokers are registered and serving (a restarted one has caught up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for node in self.nodes.values():
                if node.process is not None and node.process.poll() is not None:
                    tail = node.log.read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"broker {node.node_id} exited:\n{tail}")
            with contextlib.suppress(Exception):
                if asyncio.run(self._broker_count()) >= count:
                    return
            time.sleep(0.5)
        raise TimeoutError(f"{count} brokers not up after {timeout}s")

    async def _broker_count(self) -> int:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.live_bootstrap, request_timeout_ms=3000)
        await admin.start()
        try:
            return len((await admin.describe_cluster())["brokers"])
        finally:
            await admin.close()

    def kill(self, node_id: int) -> None:
        """SIGKILL: no shutdown, no leadership handover; the controller finds out by itself."""
        node = self.nodes[node_id]
        if node.process is not None and node.process.poll() is None:
            node.process.send_signal(signal.SIGKILL)
            node.process.wait()

    def stop(self, graceful: bool = True) -> None:
        for node in self.nodes.values():
            if node.process is not None and node.process.poll() is None:
                node.process.send_signal(signal.SIGTERM if graceful else signal.SIGKILL)
        for node in self.nodes.values():
            if node.process is None:
                continue
            try:
                node.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait()

    async def admin(self) -> AIOKafkaAdminClient:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.live_bootstrap, request_timeout_ms=10000)
        await admin.start()
        return admin

    async def create_contract_topics(self) -> None:
        """Every registry topic with replication 3 and min.insync.replicas 2 (before any service)."""
        admin = await self.admin()
        try:
            await admin.create_topics(
                [
                    NewTopic(
                        t.name,
                        t.partitions,
                        REPLICATION,
                        topic_configs={**t.config, "min.insync.replicas": str(MIN_INSYNC)},
                    )
                    for t in TOPICS
                ]
            )
        finally:
            await admin.close()

    async def partitions(self, topics: list[str], timeout: float = 30) -> list[dict[str, Any]]:
        """Leader and in-sync replicas of each partition (retried while a dead node is listed)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                admin = await self.admin()
                try:
                    described = await admin.describe_topics(topics)
                finally:
                    await admin.close()
                return [{"topic": t["topic"], **p} for t in described for p in t["partitions"]]
            except KafkaError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)

    async def busiest_leader(self, topics: list[str]) -> tuple[int, int]:
        """The broker leading the partitions of these topics that hold the most messages, and
        how many partitions it leads."""
        partitions = await self.partitions(topics)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.live_bootstrap)
        await consumer.start()
        try:
            ends = await consumer.end_offsets(
                [TopicPartition(p["topic"], p["partition"]) for p in partitions]
            )
        finally:
            await consumer.stop()
        load: Counter[int] = Counter()
        for p in partitions:
            load[p["leader"]] += ends[TopicPartition(p["topic"], p["partition"])]
        leader = load.most_common(1)[0][0]
        return leader, sum(p["leader"] == leader for p in partitions)

    async def fully_replicated(self, topics: list[str]) -> bool:
        return all(len(p["isr"]) == REPLICATION for p in await self.partitions(topics))
