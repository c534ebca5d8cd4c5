"""The Kafka broker every service uses: idempotent producer, acks=all, batching; topics from the registry."""

from __future__ import annotations

import logging
import ssl
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.security import (
    BaseSecurity,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)
from opentelemetry.trace import TracerProvider
from prometheus_client import CollectorRegistry

from pasc_contracts import Topic
from pasc_runtime.settings import KafkaSecuritySettings, ServiceSettings
from pasc_runtime.tracing import TRACER, records

log = logging.getLogger(__name__)


_SASL = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}


def _ssl_context(s: KafkaSecuritySettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=s.kafka_ssl_cafile)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = s.kafka_ssl_check_hostname
    if s.kafka_ssl_certfile:
        context.load_cert_chain(s.kafka_ssl_certfile, s.kafka_ssl_keyfile)
    return context


def broker_security(s: KafkaSecuritySettings) -> BaseSecurity | None:
    """FastStream's security object for the settings (None: PLAINTEXT)."""
    protocol = s.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = _ssl_context(s) if protocol in ("SSL", "SASL_SSL") else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context)
    if not s.kafka_sasl_username or s.kafka_sasl_password is None:
        raise ValueError(f"KAFKA_SECURITY_PROTOCOL={protocol} needs KAFKA_SASL_USERNAME/PASSWORD")
    return _SASL[s.kafka_sasl_mechanism](
        s.kafka_sasl_username,
        s.kafka_sasl_password.get_secret_value(),
        ssl_context=context,
        use_ssl=protocol == "SASL_SSL",
    )


def client_options(s: KafkaSecuritySettings) -> dict[str, Any]:
    """Keyword arguments for a plain aiokafka client (admin, consumer, producer) with the same
    security as the services' broker: `AIOKafkaConsumer(..., **client_options(settings))`."""
    if s.kafka_security_protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": s.kafka_security_protocol}
    if s.kafka_security_protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = _ssl_context(s)
    if s.kafka_security_protocol.startswith("SASL"):
        if not s.kafka_sasl_username or s.kafka_sasl_password is None:
            raise ValueError("SASL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        options["sasl_mechanism"] = s.kafka_sasl_mechanism
        options["sasl_plain_username"] = s.kafka_sasl_username
        options["sasl_plain_password"] = s.kafka_sasl_password.get_secret_value()
    return options


def make_broker(
    settings: ServiceSettings,
    registry: CollectorRegistry,
    tracer_provider: TracerProvider | None = None,
) -> KafkaBroker:
    middlewares: list[Any] = [
        KafkaPrometheusMiddleware(registry=registry, app_name=settings.service_name)
    ]
    # FastStream's tracing middleware extracts context and baggage from every message of a
    # batch (a tenth of reporting's CPU in the benchmark's profile): only when spans record.
    if tracer_provider is None or records(tracer_provider.get_tracer(TRACER)):
        middlewares.insert(0, KafkaTelemetryMiddleware(tracer_provider=tracer_provider))
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        security=broker_security(settings),
        client_id=settings.service_name,
        enable_idempotence=True,
        acks="all",
        linger_ms=settings.producer_linger_ms,
        # a plain str in settings; faststream wants its Literal of codec names
        compression_type=settings.producer_compression,  # type: ignore[arg-type]
        max_batch_size=256 * 1024,
        middlewares=middlewares,
        # A logger of our own: FastStream's default prints coloured text beside the JSON lines.
        logger=logging.getLogger("faststream.access.kafka"),
        graceful_timeout=30.0,
    )


def make_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    """A plain producer with the broker's guarantees (idempotent, acks=all) and batching."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service_name}-outbox",
        enable_idempotence=True,
        acks="all",
        linger_ms=settings.producer_linger_ms,
        compression_type=settings.producer_compression,
        max_batch_size=256 * 1024,
        **client_options(settings),
    )


async def ensure_topics(
    bootstrap_servers: str,
    topics: list[Topic],
    replication: int = 1,
    *,
    security: KafkaSecuritySettings | None = None,
) -> list[str]:
    """Create the missing topics with the registry's partitions and settings; returns those created.

    `security` defaults to the KAFKA_SECURITY_* / KAFKA_SASL_* / KAFKA_SSL_* environment, the
    same settings the services' broker uses.
    """
    options = client_options(security or KafkaSecuritySettings())
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **options)
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
