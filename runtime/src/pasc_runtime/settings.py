"""Settings every service shares; each service subclasses them with its own defaults and extras."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_KAFKA = "127.0.0.1:9092"
LOCAL_DATABASE = "postgresql://pasc:pasc@127.0.0.1:55432/pasc"


class ServiceSettings(BaseSettings):
    """Read from the environment (upper-case names); defaults run against the local stack."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str
    kafka_bootstrap_servers: str = LOCAL_KAFKA
    database_url: str = LOCAL_DATABASE
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
    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 1.0
    producer_linger_ms: int = 5
    producer_compression: str | None = "lz4"
    otel_exporter_otlp_endpoint: str | None = None
