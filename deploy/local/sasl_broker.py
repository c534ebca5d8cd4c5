#!/usr/bin/env python3
"""A local Kafka broker with the production security on: SASL_SSL + SCRAM-SHA-512 and ACLs.

The same jars as the local stack (.pasc/kafka/lib, `make infra-up` fetches them), its own ports
and data directory, so it runs beside the plain broker of `make up`. Like production
(deploy/kafka/server.sasl_ssl.properties): clients authenticate with SCRAM over TLS, the
controller listener takes only mutual TLS, and StandardAuthorizer refuses whatever no ACL
allows. The SCRAM users are created when the storage is formatted (`--add-scram`), so no
plaintext door is ever open; the ACLs and topics come from deploy/kafka/acls.py.

    python deploy/local/sasl_broker.py up     # prints the services' environment, runs until ^C
    KAFKA_SECURITY_PROTOCOL=SASL_SSL ... python -m integration_gateway   # with what `up` printed

Tests use `SaslBroker` directly (tests/integration/test_gateway_kafka_sasl.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kafka"))

import acls as kafka_acls
import stack_files as files
from tls_certs import LocalCA

from pasc_contracts.topics import SERVICES

ADMIN = "admin"
BROKER_CN = "pasc-kafka-broker"
DEFAULT_DIR = files.STATE / "kafka-sasl"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class SaslBroker:
    """One KRaft node with SASL_SSL (SCRAM-SHA-512) for clients, mTLS for the controller."""

    directory: Path
    users: tuple[str, ...] = SERVICES
    port: int = field(default_factory=_free_port)
    controller_port: int = field(default_factory=_free_port)
    passwords: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ca(self) -> Path:
        return self.directory / "tls" / "ca.pem"

    @property
    def log(self) -> Path:
        return self.directory / "broker.log"

    def client_env(self, user: str) -> dict[str, str]:
        """The environment a service needs to use this broker as `user`."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": user,
            "KAFKA_SASL_PASSWORD": self.passwords[user],
            "KAFKA_SSL_CAFILE": str(self.ca),
            "CREATE_TOPICS": "false",  # the administrator creates them (acls.py)
        }

    def client_options(self, user: str, password: str | None = None) -> dict[str, Any]:
        """aiokafka keyword arguments for `user` (or anyone, with `password`)."""
        secret = password if password is not None else self.passwords[user]
        return kafka_acls.admin_options(user, secret, str(self.ca))

    def properties(self, tls: Path) -> dict[str, str]:
        jaas = (
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{ADMIN}" password="{self.passwords[ADMIN]}";'
        )
        listeners = (
            f"SASL_SSL://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}"
        )
        return {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.bootstrap.servers": f"127.0.0.1:{self.controller_port}",
            "listeners": listeners,
            "advertised.listeners": listeners,
            "listener.security.protocol.map": "SASL_SSL:SASL_SSL,CONTROLLER:SSL",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "SASL_SSL",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": jaas,
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": str(tls / f"{BROKER_CN}.bundle.pem"),
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": str(tls / "ca.pem"),
            "listener.name.controller.ssl.client.auth": "required",
            "ssl.enabled.protocols": "TLSv1.3,TLSv1.2",
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": f"User:{ADMIN};User:CN={BROKER_CN}",
            "allow.everyone.if.no.acl.found": "false",
            "log.dirs": str(self.directory / "data"),
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "auto.create.topics.enable": "false",
            "group.initial.rebalance.delay.ms": "0",
        }

    def prepare(self) -> None:
        """Certificates, properties and formatted storage with the SCRAM users (a fresh cluster)."""
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True)
        self.directory.chmod(0o700)
        ca = LocalCA(self.directory / "tls")
        ca.issue(BROKER_CN)
        for user in (ADMIN, *self.users):
            self.passwords.setdefault(user, secrets.token_urlsafe(24))
        config = self.directory / "server.properties"
        lines = [f"{k}={v}" for k, v in self.properties(self.directory / "tls").items()]
        config.write_text("\n".join(lines) + "\n")
        config.chmod(0o600)
        scram = [
            arg
            for user, password in self.passwords.items()
            for arg in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]")
        ]
        format_args = ["format", "-t", files.new_cluster_id(), "-c", str(config), "--standalone"]
        files.run(
            [*self._java(), "kafka.tools.StorageTool", *format_args, *scram],
            "kafka-storage format (SASL broker)",
        )

    def _java(self) -> list[str]:
        if not files.KAFKA_LIB.is_dir():
            raise files.StackError(f"no Kafka jars in {files.KAFKA_LIB}: run `make infra-up`")
        return [
            files.java(),
            f"-Dlog4j2.configurationFile={files.LOG4J_CONFIG}",
            "-cp",
            f"{files.KAFKA_LIB}/*",
        ]

    def start(self, timeout: float = 90) -> None:
        heap = ["-Xms128m", "-Xmx384m"]
        command = [*self._java(), *heap, "kafka.Kafka", str(self.directory / "server.properties")]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise files.StackError(f"SASL broker exited:\n{self.log.read_text()[-4000:]}")
            if _port_open(self.port) and asyncio.run(self._answers()):
                return
            time.sleep(0.5)
        raise files.StackError(
            f"SASL broker not ready in {timeout}s:\n{self.log.read_text()[-4000:]}"
        )

    async def _answers(self) -> bool:
        from aiokafka.admin import AIOKafkaAdminClient

        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.bootstrap, request_timeout_ms=3000, **self.client_options(ADMIN)
        )
        try:
            await admin.start()
            await admin.list_topics()
        except Exception:  # not listening yet, or still starting
            return False
        finally:
            with contextlib.suppress(Exception):
                await admin.close()
        return True

    def apply_acls(self, producers: tuple[str, ...] = ()) -> list[kafka_acls.Acl]:
        _, applied = asyncio.run(
            kafka_acls.apply(
                self.bootstrap,
                self.client_options(ADMIN),
                replication=1,
                min_insync=1,
                producers=producers,
                services=tuple(u for u in self.users if u in SERVICES),
            )
        )
        return applied

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def sasl_broker(
    directory: Path, users: tuple[str, ...] = SERVICES, producers: tuple[str, ...] = ()
) -> Iterator[SaslBroker]:
    """A prepared, started broker with topics and ACLs; stopped and deleted afterwards."""
    broker = SaslBroker(directory, users=users)
    broker.prepare()
    try:
        broker.start()
        broker.apply_acls(producers)
        yield broker
    finally:
        broker.stop()
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--ingress-producer", action="append", default=[], metavar="USER")
    args = parser.parse_args(argv)
    users = (*SERVICES, *args.ingress_producer)
    with sasl_broker(args.dir, users, tuple(args.ingress_producer)) as broker:
        files.say(f"SASL_SSL broker on {broker.bootstrap}; CA {broker.ca}; log {broker.log}")
        credentials = args.dir / "credentials.json"
        credentials.write_text(json.dumps(broker.passwords, indent=2))
        credentials.chmod(0o600)
        files.say(f"SCRAM passwords in {credentials} (mode 600). A service's environment:")
        for key, value in broker.client_env(SERVICES[0]).items():
            shown = "<see credentials.json>" if key == "KAFKA_SASL_PASSWORD" else value
            print(f"  {key}={shown}")
        with contextlib.suppress(KeyboardInterrupt):
            while broker.process is not None and broker.process.poll() is None:
                time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
