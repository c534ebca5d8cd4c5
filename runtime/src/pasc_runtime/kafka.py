"""The Kafka broker every service uses: idempotent producer, acks=all, batching; topics from the registry."""

from __future__ import annotations

import logging

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from pasc_contracts import Topic
from pasc_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)


def make_broker(settings: ServiceSettings, registry: CollectorRegistry) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=settings.service_name,
        enable_idempotence=True,
        acks="all",
        linger_ms=settings.producer_linger_ms,
        compression_type=settings.producer_compression,  # type: ignore[arg-type]
        max_batch_size=256 * 1024,
        middlewares=[
            KafkaTelemetryMiddleware(),
            KafkaPrometheusMiddleware(registry=registry, app_name=settings.service_name),
        ],
        graceful_timeout=30.0,
    )


async def ensure_topics(
    bootstrap_servers: str, topics: list[Topic], replication: int = 1
) -> list[str]:
    """Create the missing topics with the registry's partitions and settings; returns those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if not missing:
            return []
        new = [NewTopic(t.name, t.partitions, replication, topic_configs=t.config) for t in missing]
        try:
            await admin.create_topics(new)
        except TopicAlreadyExistsError:
            log.info("topics created concurrently by another service")
        return [t.name for t in missing]
    finally:
        await admin.close()
