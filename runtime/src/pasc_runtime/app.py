"""The composition every service shares: broker, pool, inbox consumers, outbox relay, ASGI app.

A service's `build_app(settings)` creates a `Runtime` named after its entry in the topic
registry, subscribes its handlers (`runtime.subscribe(handlers)`, see handlers.py), and calls
`runtime.app(http=its_fastapi_app)`. The subscriptions must be the registry's: consuming a topic
the registry does not list for the service, or leaving a listed topic without a handler, stops
the service before it starts (SubscriptionError). FastStream serves `/health`, `/ready`, `/metrics` and
`/asyncapi`; every other path goes to the service's own HTTP API (traced: a server span per
request). Consumers also get their lag measured (`pasc_consumer_lag`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from faststream.asgi import AsgiFastStream
from faststream.specification import AsyncAPI
from opentelemetry import trace
from opentelemetry.trace import TracerProvider
from prometheus_client import make_asgi_app

from pasc_contracts import TOPICS, topic
from pasc_contracts.topics import consumed_by
from pasc_runtime import http_guard
from pasc_runtime.api_docs import asyncapi_routes, service_version
from pasc_runtime.auth import Access, TokenVerifier
from pasc_runtime.auth.tokens import IssuerUnavailable
from pasc_runtime.consumer import BatchHandler, Decoder, EventConsumer
from pasc_runtime.db import create_pool, migrate_service
from pasc_runtime.deadletter import DeadLetters, Redactor
from pasc_runtime.handlers import EventHandlers, SubscriptionError
from pasc_runtime.health import make_liveness, make_readiness
from pasc_runtime.http_guard import RequestGuard
from pasc_runtime.inbox import InboxPruner
from pasc_runtime.kafka import ensure_topics, make_broker, make_producer
from pasc_runtime.lag import ConsumerLag
from pasc_runtime.metrics import PlatformMetrics
from pasc_runtime.outbox import OutboxRelay
from pasc_runtime.settings import ServiceSettings, is_loopback
from pasc_runtime.tracing import TRACER, instrument_http

log = logging.getLogger(__name__)
ASGIApp = Any


class ServiceApp(AsgiFastStream):
    """AsgiFastStream whose unmatched paths go to the service's own HTTP app."""

    runtime: Runtime | None = None
    http_app: ASGIApp | None = None  # the service's own API (its routes declare their roles)

    def __init__(self, *args: Any, fallback: ASGIApp | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fallback = fallback

    async def not_found(self, scope: Any, receive: Any, send: Any) -> None:
        if self._fallback is not None and scope["type"] == "http":
            await self._fallback(scope, receive, send)
            return
        await super().not_found(scope, receive, send)


class DevelopmentSecretsError(RuntimeError):
    """A service about to serve beyond this machine with secrets published in the repository."""

    def __init__(self, host: str, names: list[str]) -> None:
        super().__init__(
            f"refusing to serve on {host} with the repository's development secrets in "
            f"{', '.join(names)}: set them to secrets of your own (README: Secrets), or bind "
            "HTTP_HOST to 127.0.0.1"
        )
        self.names = names


class Runtime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        service: str | None = None,
        migrations: Path | None = None,
        append_only: tuple[str, ...] = (),
        tracer_provider: TracerProvider | None = None,
    ) -> None:
        """`service`: the service's name in the topic registry, which its subscriptions must
        match (SERVICE_NAME may differ: tests run instances under names of their own); None
        only for a test's ad-hoc runtime, whose subscriptions are not checked.
        `append_only`: tables the service's role may only read and insert into (see db.py);
        `tracer_provider`: the process's (`serve` installs it) unless given (tests).

        Refuses (DevelopmentSecretsError) to serve beyond loopback with the repository's
        development secrets."""
        if not is_loopback(settings.http_host) and (found := settings.development_secrets()):
            raise DevelopmentSecretsError(settings.http_host, found)
        self.settings = settings
        self.service = service
        self.tracer_provider = tracer_provider or trace.get_tracer_provider()
        self.metrics = PlatformMetrics.create()
        self.metrics.describe_build(settings.service_name)
        self.broker = make_broker(settings, self.metrics.registry, self.tracer_provider)
        self.dead_letters = DeadLetters(
            self.broker,
            producer=settings.service_name,
            group=settings.service_name,
            metrics=self.metrics,
        )
        self.relay = OutboxRelay(
            database_url=settings.database_url,
            schema=settings.db_schema,
            producer=lambda: make_producer(settings),
            metrics=self.metrics,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
            tracer=self.tracer_provider.get_tracer(TRACER),
        )
        self.access = Access(
            TokenVerifier(
                settings.oidc_issuer,
                settings.oidc_audience or settings.service_name,
                jwks_url=settings.oidc_jwks_url,
                leeway_s=settings.oidc_leeway_s,
            ),
            self.metrics.registry,
            {
                "public": settings.rate_limit_public,
                "auth_failures": settings.rate_limit_auth_failures,
                "subject": settings.rate_limit_subject,
                "api_key": settings.rate_limit_api_key,
            },
        )
        self._migrations = [migrations] if migrations else []
        self._append_only = append_only
        self._pool: asyncpg.Pool | None = None
        self.consumers: list[EventConsumer] = []
        self._loops: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        if settings.inbox_retention_days > 0:
            pruner = InboxPruner(
                lambda: self.pool,
                timedelta(days=settings.inbox_retention_days),
                settings.inbox_prune_interval_s,
            )
            self.background("inbox-prune", pruner.run)
        self._tasks: list[asyncio.Task[None]] = []
        self._running = False

    def background(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        """Run `loop` while the service runs (after start-up); restarted if it crashes."""
        self._loops.append((name, loop))

    async def _supervise(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        while True:
            try:
                await loop()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("background loop %s crashed; restarting in 1s", name)
            await asyncio.sleep(1.0)

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the database pool exists only while the service runs")
        return self._pool

    def consume(
        self,
        topic_name: str,
        handler: BatchHandler,
        *,
        group: str | None = None,
        decoder: Decoder | None = None,
        redact: Redactor | None = None,
        batch_size: int | None = None,
    ) -> EventConsumer:
        """Apply `handler` to the topic's messages; `decoder` replaces the contract decoding
        (e.g. for an ingress topic carrying external formats); `redact` is applied to the
        original value a dead letter keeps (e.g. to leave personal data on the ingress topic);
        `batch_size` replaces CONSUMER_BATCH_SIZE (e.g. for large messages).

        Each topic gets its own consumer group by default (`<service>.<topic>`), so adding a
        subscription never makes the others rebalance.

        Raises SubscriptionError for a topic the registry does not list for this service."""
        consumed = topic(topic_name)
        if self.service is not None and self.service not in consumed.consumers:
            raise SubscriptionError(
                f"{self.service} does not consume {topic_name} in the topic registry "
                f"(its consumers: {', '.join(consumed.consumers) or 'none'})"
            )
        if any(c.topic.name == topic_name for c in self.consumers):
            raise SubscriptionError(f"{topic_name} is subscribed twice")
        consumer = EventConsumer(
            topic=consumed,
            group=group or f"{self.settings.service_name}.{topic_name}",
            handler=handler,
            pool=lambda: self.pool,
            dead_letters=self.dead_letters,
            metrics=self.metrics,
            max_retries=self.settings.consumer_max_retries,
            retry_backoff_s=self.settings.consumer_retry_backoff_s,
            decoder=decoder,
            redact=redact,
            tracer=self.tracer_provider.get_tracer(TRACER),
        )
        consumer.subscribe(self.broker, batch_size=batch_size or self.settings.consumer_batch_size)
        if not self.consumers:
            lag = ConsumerLag(
                self.settings,
                lambda: [(c.group, c.topic.name) for c in self.consumers],
                self.metrics.consumer_lag,
            )
            self.background("consumer-lag", lag.run)
        self.consumers.append(consumer)
        return consumer

    def subscribe(self, handlers: EventHandlers, **options: Any) -> None:
        """Consume every topic `handlers` needs, each through its event-class dispatch;
        `options` as for `consume` (the same for each topic)."""
        for needed in handlers.topics():
            self.consume(needed.name, handlers.for_topic(needed), **options)

    def check_subscriptions(self) -> None:
        """Every topic the registry lists for this service has a consumer (SubscriptionError)."""
        if self.service is None:
            return
        subscribed = {c.topic.name for c in self.consumers}
        missing = [t.name for t in consumed_by(self.service) if t.name not in subscribed]
        if missing:
            raise SubscriptionError(
                f"the topic registry lists {self.service} as a consumer of "
                f"{', '.join(missing)}, but it has no handler for them"
            )

    async def start_resources(self) -> None:
        s = self.settings
        if s.create_topics:
            created = await ensure_topics(
                s.kafka_bootstrap_servers, list(TOPICS), s.topic_replication_factor, security=s
            )
            if created:
                log.info("created topics %s", created)
        ran = await migrate_service(s, self._migrations, self._append_only)
        log.info("schema %s: %d migrations applied", s.db_schema, ran)
        self._pool = await create_pool(s.database_url, s.db_schema, s.db_pool_min, s.db_pool_max)
        try:
            await self.access.verifier.warm_up()
        except IssuerUnavailable as exc:  # not fatal: tokens are checked once it answers
            log.warning("%s; bearer tokens get 503 until %s answers", exc, s.oidc_issuer)

    async def start_background(self) -> None:
        self.relay.start()
        for name, loop in self._loops:
            self._tasks.append(asyncio.create_task(self._supervise(name, loop), name=name))
        self._running = True

    async def stop_background(self) -> None:
        self._running = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.relay.stop()

    async def close_resources(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def database_ok(self) -> bool:
        if self._pool is None:
            return False
        return bool(await self._pool.fetchval("SELECT 1"))

    async def broker_ok(self) -> bool:
        return await self.broker.ping(timeout=2.0)

    def partitions(self) -> dict[str, int | None]:
        """Partitions each consumer holds ("group topic"), None until it joined its group."""
        return {
            f"{c.group} {c.topic.name}": (
                None if c.assignment.partitions is None else len(c.assignment.partitions)
            )
            for c in self.consumers
        }

    def app(self, *, title: str, description: str, http: ASGIApp | None = None) -> ServiceApp:
        """The service's ASGI app; its subscriptions are complete by now (SubscriptionError)."""
        self.check_subscriptions()
        checks = {"broker": self.broker_ok, "database": self.database_ok}
        if http is not None:
            http_guard.install(http)
        service_app = ServiceApp(
            self.broker,
            fallback=None
            if http is None
            else RequestGuard(instrument_http(http, self.tracer_provider)),
            asgi_routes=[
                ("/health", make_liveness(lambda: self._running, checks)),
                ("/ready", make_readiness(checks, self.partitions)),
                ("/metrics", make_asgi_app(self.metrics.registry)),
                # The full document from the topic registry, not FastStream's (which lists
                # only this process's subscribers), rendered with bundled assets.
                *asyncapi_routes(self.settings.service_name),
            ],
            specification=AsyncAPI(
                title=title,
                version=service_version(self.settings.service_name),
                description=description,
            ),
            on_startup=[self.start_resources],
            after_startup=[self.start_background],
            on_shutdown=[self.stop_background],
            after_shutdown=[self.close_resources],
        )
        service_app.runtime = self
        service_app.http_app = http
        return service_app
