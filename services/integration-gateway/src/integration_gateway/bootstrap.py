"""The composition root: settings in, a runnable ASGI app out."""

from __future__ import annotations

import logging
from pathlib import Path

from integration_gateway.adapters.key_vault import KeyVault
from integration_gateway.app.deliveries import DeliveryMetrics, Dispatcher
from integration_gateway.app.handlers import handlers, ingress_handler
from integration_gateway.app.http import make_api
from integration_gateway.app.identity import IngressVerifier
from integration_gateway.app.metrics import GatewayMetrics
from integration_gateway.domain.personal_data import redact_body
from integration_gateway.settings import Settings
from pasc_contracts.topics import GATEWAY
from pasc_runtime.app import Runtime, ServiceApp
from pasc_runtime.settings import is_loopback

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
DELIVERED_TOPICS = ("dossier.lifecycle.v1", "kpi.snapshots.v1", "camera.status.v1")


def build_app(settings: Settings) -> ServiceApp:
    # Beyond loopback the Runtime refuses the development secrets (DevelopmentSecretsError).
    if not is_loopback(settings.http_host) and settings.admin_token is None:
        log.warning("ADMIN_TOKEN is unset: /admin answers only direct loopback clients")
    # The audit log: the service's role may add entries, never change or remove one.
    runtime = Runtime(settings, service=GATEWAY, migrations=MIGRATIONS, append_only=("audit_log",))
    metrics = GatewayMetrics(runtime.metrics.registry)
    vault = KeyVault(settings.key_encryption_secret.get_secret_value())
    runtime.subscribe(handlers(DELIVERED_TOPICS))
    runtime.consume(
        "gateway.ingress.dvcqg.v1",
        ingress_handler(settings, metrics),
        decoder=IngressVerifier(
            lambda: runtime.pool,
            vault,
            settings.ingress_max_skew_s,
            cache_s=settings.ingress_key_cache_s,
        ),
        redact=redact_body,  # dead letters keep no applicant's data
        batch_size=settings.ingress_batch_messages,
    )
    dispatcher = Dispatcher(
        database_url=settings.database_url,
        schema=settings.db_schema,
        vault=vault,
        metrics=DeliveryMetrics(runtime.metrics.registry),
        max_attempts=settings.delivery_max_attempts,
        base_backoff_s=settings.delivery_base_backoff_s,
        max_backoff_s=settings.delivery_max_backoff_s,
        timeout_s=settings.delivery_timeout_s,
        concurrency=settings.delivery_concurrency,
        poll_interval_s=settings.delivery_poll_interval_s,
    )
    runtime.background("connector-dispatcher", dispatcher.run)
    return runtime.app(
        title="integration-gateway",
        description=(
            "Where department systems (DVCQG DongBoHoSoMC / CapNhatTienDoHoSoMC), the CIOC, the "
            "Home Affairs monitoring system and the city portal meet the platform."
        ),
        http=make_api(lambda: runtime.pool, settings, metrics, runtime.access),
    )
