#!/usr/bin/env python3
"""Least-privilege Kafka ACLs and the contract topics, derived from the topic registry.

Each service is a SCRAM user named after it (`User:integration-gateway`, ...). From
`pasc_contracts.topics.TOPICS` it gets exactly:
  - WRITE and DESCRIBE on the topics it owns, WRITE on `deadletter.v1`;
  - READ and DESCRIBE on the topics it consumes;
  - READ on the consumer groups whose names start with its name (prefixed).
A department system that publishes signed DVCQG messages gets WRITE on the ingress topic only.
Nothing else: no CREATE, no ALTER, no access to another service's topics or groups. Topics
are created here, by the administrator, with replication factor 3 and min.insync.replicas 2
(the services then run with CREATE_TOPICS=false).

Run it with the workspace's python, as the cluster administrator (a super user):

    python deploy/kafka/acls.py apply --bootstrap kafka-1:9094 --admin-user admin \\
        --ca /etc/pasc/ca.pem [--replication 3 --min-insync 2] [--ingress-producer dept-sxd ...]
    python deploy/kafka/acls.py show   # the same ACLs as `kafka-acls.sh --add` command lines

The admin password is read from KAFKA_ADMIN_PASSWORD (never a command-line argument).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import ssl
import sys
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code
from aiokafka.protocol.admin import CreateAclsRequest

from pasc_contracts.topics import DEAD_LETTER_TOPIC, SERVICES, TOPICS

INGRESS_TOPIC = "gateway.ingress.dvcqg.v1"


class Resource(IntEnum):  # Kafka's AclResourceType
    TOPIC = 2
    GROUP = 3


class Operation(IntEnum):  # Kafka's AclOperation
    READ = 3
    WRITE = 4
    DESCRIBE = 8


class Pattern(IntEnum):  # Kafka's PatternType
    LITERAL = 3
    PREFIXED = 4


ALLOW = 3


@dataclass(frozen=True, order=True)
class Acl:
    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation

    def kafka_acls_args(self) -> list[str]:
        kind = "--topic" if self.resource == Resource.TOPIC else "--group"
        args = ["--add", "--allow-principal", self.principal, "--operation"]
        args += [self.operation.name.capitalize(), kind, self.name]
        if self.pattern == Pattern.PREFIXED:
            args += ["--resource-pattern-type", "prefixed"]
        return args


def service_acls(service: str) -> list[Acl]:
    user = f"User:{service}"
    acls = {
        Acl(user, Resource.TOPIC, DEAD_LETTER_TOPIC, Pattern.LITERAL, Operation.WRITE),
        Acl(user, Resource.GROUP, service, Pattern.PREFIXED, Operation.READ),
    }
    for topic in TOPICS:
        if topic.owner == service:
            for op in (Operation.WRITE, Operation.DESCRIBE):
                acls.add(Acl(user, Resource.TOPIC, topic.name, Pattern.LITERAL, op))
        if service in topic.consumers:
            for op in (Operation.READ, Operation.DESCRIBE):
                acls.add(Acl(user, Resource.TOPIC, topic.name, Pattern.LITERAL, op))
    return sorted(acls)


def ingress_producer_acls(user: str) -> list[Acl]:
    return [Acl(f"User:{user}", Resource.TOPIC, INGRESS_TOPIC, Pattern.LITERAL, Operation.WRITE)]


def all_acls(services: tuple[str, ...] = SERVICES, producers: tuple[str, ...] = ()) -> list[Acl]:
    acls = [acl for service in services for acl in service_acls(service)]
    return acls + [acl for user in producers for acl in ingress_producer_acls(user)]


def admin_options(
    user: str, password: str, cafile: str | None, protocol: str = "SASL_SSL"
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "security_protocol": protocol,
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": user,
        "sasl_plain_password": password,
    }
    if protocol == "SASL_SSL":
        options["ssl_context"] = ssl.create_default_context(cafile=cafile)
    return options


async def create_topics(admin: AIOKafkaAdminClient, replication: int, min_insync: int) -> list[str]:
    existing = set(await admin.list_topics())
    missing = [t for t in TOPICS if t.name not in existing]
    if missing:
        configs = {"min.insync.replicas": str(min_insync)}
        new = [
            NewTopic(t.name, t.partitions, replication, topic_configs={**t.config, **configs})
            for t in missing
        ]
        try:
            await admin.create_topics(new)
        except TopicAlreadyExistsError:
            pass
    return [t.name for t in missing]


async def create_acls(admin: AIOKafkaAdminClient, acls: list[Acl]) -> None:
    """Kafka's CreateAcls admin call, one binding per request (as kafka-acls.sh does)."""
    for acl in acls:
        request = CreateAclsRequest(
            acl.resource, acl.name, acl.pattern, acl.principal, "*", acl.operation, ALLOW
        )
        response = await admin._send_request(request)
        for error_code, message in response.creation_responses:
            if error_code:
                raise for_code(error_code)(f"{acl}: {message}")


async def apply(
    bootstrap: str,
    options: dict[str, Any],
    *,
    replication: int = 3,
    min_insync: int = 2,
    producers: tuple[str, ...] = (),
    services: tuple[str, ...] = SERVICES,
) -> tuple[list[str], list[Acl]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await admin.start()
    try:
        created = await create_topics(admin, replication, min_insync)
        acls = all_acls(services, producers)
        await create_acls(admin, acls)
    finally:
        await admin.close()
    return created, acls


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["apply", "show"])
    parser.add_argument("--bootstrap", default="127.0.0.1:9094")
    parser.add_argument("--admin-user", default="admin")
    parser.add_argument("--ca", help="CA bundle of the brokers' certificates (PEM)")
    parser.add_argument("--protocol", default="SASL_SSL", choices=["SASL_SSL", "SASL_PLAINTEXT"])
    parser.add_argument("--replication", type=int, default=3)
    parser.add_argument("--min-insync", type=int, default=2)
    parser.add_argument("--ingress-producer", action="append", default=[], metavar="USER")
    args = parser.parse_args(argv)
    producers = tuple(args.ingress_producer)
    if args.command == "show":
        for acl in all_acls(producers=producers):
            print(
                shlex.join(
                    ["kafka-acls.sh", "--bootstrap-server", args.bootstrap, *acl.kafka_acls_args()]
                )
            )
        return 0
    password = os.environ.get("KAFKA_ADMIN_PASSWORD")
    if not password:
        print("set KAFKA_ADMIN_PASSWORD (the admin user's SCRAM password)", file=sys.stderr)
        return 2
    options = admin_options(args.admin_user, password, args.ca, args.protocol)
    created, acls = asyncio.run(
        apply(
            args.bootstrap,
            options,
            replication=args.replication,
            min_insync=args.min_insync,
            producers=producers,
        )
    )
    print(f"topics created: {', '.join(created) or 'none (all existed)'}")
    print(
        f"{len(acls)} ACL bindings applied for {', '.join(SERVICES)} and {len(producers)} producers"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
