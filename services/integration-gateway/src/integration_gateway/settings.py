"""integration-gateway's settings: the shared ones, with this service's defaults and secrets.

Secrets are `SecretStr`: their repr is `**********`, so printing or logging the settings never
shows them.
"""

from datetime import date

from pydantic import Field, SecretStr

from pasc_runtime.settings import ServiceSettings

LOCAL_ONLY = "local-development-only-change-me"


class Settings(ServiceSettings):
    service_name: str = "integration-gateway"
    oidc_audience: str | None = "integration-gateway"
    db_schema: str = "gateway"
    http_port: int = 8080
    admin_token: SecretStr | None = Field(
        default=None,
        description="Where set, /admin endpoints require this token (X-Admin-Token) besides an operator's bearer token.",
    )
    key_encryption_secret: SecretStr = Field(
        default=SecretStr(LOCAL_ONLY),
        description="Encrypts stored API keys (needed to verify HMAC signatures).",
    )
    pseudonym_secret: SecretStr = Field(
        default=SecretStr(LOCAL_ONLY),
        description="Keys the pseudonymous applicant id (Decree 13/2023).",
    )
    max_body_bytes: int = 5_000_000
    body_timeout_s: float = Field(
        default=30.0, description="A request body not fully received by then is refused (408)."
    )
    ingress_max_skew_s: int = Field(
        default=300,
        description="Signed Kafka messages signed this long before or after the broker took"
        " them are refused.",
    )
    ingress_batch_messages: int = Field(
        default=20,
        ge=1,
        description="Ingress messages (up to 100 records each) applied in one transaction;"
        " bounds the gateway's memory.",
    )
    ingress_key_cache_s: float = Field(
        default=5.0, description="How long a revoked key may still verify Kafka signatures."
    )
    dvcqg_province: str = Field(
        default="H13",
        pattern=r"^[A-Z]\d{2}$",
        description="The province part of unit codes here (Cần Thơ: H13); a long MaTTHC"
        " ending in 000.00.00.<province> is accepted from any agency of the province.",
    )
    dvcqg_earliest_date: date = Field(
        default=date(2015, 1, 1),
        description="Records dated before this are refused as implausible.",
    )
    dvcqg_future_due_days: int = Field(
        default=730,
        ge=1,
        description="A due date further ahead than this many days is refused as implausible.",
    )
    adapter_session_ttl_s: int = Field(
        default=3600,
        ge=60,
        le=86400,
        description="How long a session from the DVCQG adapter's auth exchange stays valid.",
    )
    lineage_transition_days: int = Field(
        default=180,
        ge=0,
        le=3650,
        description="From a merge, rename or split's effective date, how many days the"
        " predecessor's API keys and numbering are still accepted (bound to the successor),"
        " unless the operator sets another end for that agency (PUT /admin/lineage/{agency}).",
    )
    delivery_max_attempts: int = 12
    delivery_base_backoff_s: float = 1.0
    delivery_max_backoff_s: float = 300.0
    delivery_timeout_s: float = 10.0
    delivery_concurrency: int = 16
    delivery_poll_interval_s: float = 0.5

    def development_secrets(self) -> list[str]:
        found = super().development_secrets()
        for name in ("key_encryption_secret", "pseudonym_secret"):
            value: SecretStr = getattr(self, name)
            if LOCAL_ONLY in value.get_secret_value():
                found.append(name.upper())
        return found
