"""Settings every service shares; each service subclasses them with its own defaults and extras."""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_KAFKA = "127.0.0.1:9092"
LOCAL_DATABASE = "postgresql://pasc:pasc@127.0.0.1:55432/pasc"
LOCAL_OIDC_ISSUER = "http://127.0.0.1:8180/realms/pasc"
LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Whether binding `host` serves only this machine (0.0.0.0 and :: serve every interface)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _development_password(url: str) -> bool:
    """The repository's local database password (`pasc`), or a password equal to the user name
    (the local stack's service roles)."""
    parts = urlsplit(url)
    return parts.password is not None and parts.password in {
        urlsplit(LOCAL_DATABASE).password,
        parts.username,
    }


class KafkaSecuritySettings(BaseSettings):
    """How the Kafka clients authenticate: PLAINTEXT locally, SASL_SSL + SCRAM in production."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = Field(
        default=None, description="CA bundle that signed the brokers' certificates (PEM)."
    )
    kafka_ssl_certfile: str | None = Field(
        default=None, description="Client certificate (PEM), for brokers that require mutual TLS."
    )
    kafka_ssl_keyfile: str | None = None
    kafka_ssl_check_hostname: bool = True


class ServiceSettings(KafkaSecuritySettings):
    """Read from the environment (upper-case names); defaults run against the local stack."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str
    kafka_bootstrap_servers: str = LOCAL_KAFKA
    database_url: str = LOCAL_DATABASE
    database_owner_url: SecretStr | None = Field(
        default=None,
        description="Migrations run as this role, the schema's owner; the service then runs as"
        " DATABASE_URL's role with only the rights the runtime grants it. Unset: DATABASE_URL's"
        " role migrates too.",
    )
    db_schema: str = Field(description="Each service keeps its tables in its own schema.")
    db_pool_min: int = 1
    db_pool_max: int = 10
    http_host: str = "127.0.0.1"
    http_port: int
    log_level: str = "INFO"
    create_topics: bool = Field(default=True, description="Create registry topics at start-up.")
    topic_replication_factor: int = 1
    consumer_batch_size: int = 500
    consumer_max_retries: int = 3
    consumer_retry_backoff_s: float = 0.2
    inbox_retention_days: float = Field(
        default=30,
        ge=0,
        description="Inbox entries older than this are pruned (0: never). Redeliveries come"
        " within minutes; keep it longer than any consumer offset reset you may do.",
    )
    inbox_prune_interval_s: float = Field(
        default=3600, gt=0, description="How often the inbox is pruned."
    )
    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 1.0
    producer_linger_ms: int = 5
    producer_compression: str | None = "lz4"
    otel_exporter_otlp_endpoint: str | None = None
    consumer_lag_interval_s: float = Field(
        default=15.0, gt=0, description="How often pasc_consumer_lag is measured."
    )
    http_ssl_certfile: str | None = Field(
        default=None, description="Serve HTTPS with this certificate chain (PEM); unset: HTTP."
    )
    http_ssl_keyfile: str | None = None
    http_ssl_ca_certs: str | None = Field(
        default=None, description="CA bundle of the client certificates accepted (mutual TLS)."
    )
    http_ssl_client_cert: Literal["none", "optional", "required"] = Field(
        default="none", description="Mutual TLS: ask clients for a certificate signed by the CA."
    )
    http_header_timeout_s: float = Field(
        default=10.0, description="A client that has not sent its request headers by then: 408."
    )
    http_keep_alive_s: int = 5
    http_limit_concurrency: int | None = Field(
        default=None, description="Connections and tasks beyond this are answered 503."
    )
    oidc_issuer: str = Field(
        default=LOCAL_OIDC_ISSUER, description="Bearer tokens must come from this issuer."
    )
    oidc_audience: str | None = Field(
        default=None,
        description="Bearer tokens must name this audience (the service's Keycloak client); "
        "unset: SERVICE_NAME.",
    )
    oidc_jwks_url: str | None = Field(
        default=None, description="The issuer's keys; unset: its discovery document's jwks_uri."
    )
    oidc_leeway_s: float = Field(default=10.0, ge=0, description="Clock skew allowed on exp.")
    rate_limit_public: str = Field(
        default="120/minute", description="Public lookups per client address (`limits` syntax)."
    )
    rate_limit_auth_failures: str = Field(
        default="20/minute", description="Failed authentications per client address, then 429."
    )
    rate_limit_subject: str = Field(default="1200/minute", description="Per token subject.")
    rate_limit_api_key: str = Field(default="1200/minute", description="Per API key.")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (CIDR) of the reverse proxies whose"
        " X-Forwarded-For/-Proto are believed; unset: those headers are ignored and the client"
        " is the connection's peer.",
    )

    def development_secrets(self) -> list[str]:
        """Settings that still hold a secret published in this repository (the local defaults).
        Services add their own; a service bound beyond loopback refuses to start with any."""
        found = []
        if _development_password(self.database_url):
            found.append("DATABASE_URL")
        if self.database_owner_url and _development_password(
            self.database_owner_url.get_secret_value()
        ):
            found.append("DATABASE_OWNER_URL")
        return found
