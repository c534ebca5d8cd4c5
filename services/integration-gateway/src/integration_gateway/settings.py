"""integration-gateway's settings: the shared ones, with this service's defaults and secrets."""

from pydantic import Field

from pasc_runtime.settings import ServiceSettings

LOCAL_ONLY = "local-development-only-change-me"


class Settings(ServiceSettings):
    service_name: str = "integration-gateway"
    db_schema: str = "gateway"
    http_port: int = 8080
    admin_token: str | None = Field(
        default=None,
        description="Bearer token for /admin endpoints; when unset they answer loopback clients only.",
    )
    key_encryption_secret: str = Field(
        default=LOCAL_ONLY,
        description="Encrypts stored API keys (needed to verify HMAC signatures).",
    )
    pseudonym_secret: str = Field(
        default=LOCAL_ONLY, description="Keys the pseudonymous applicant id (Decree 13/2023)."
    )
    max_body_bytes: int = 5_000_000
    ingress_max_skew_s: int = 300
    delivery_max_attempts: int = 12
    delivery_base_backoff_s: float = 1.0
    delivery_max_backoff_s: float = 300.0
    delivery_timeout_s: float = 10.0
    delivery_concurrency: int = 16
    delivery_poll_interval_s: float = 0.5
