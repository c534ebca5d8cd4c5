"""reporting-service's settings: the shared ones, with this service's defaults."""

from pydantic import Field, SecretStr

from pasc_runtime.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "reporting-service"
    oidc_audience: str | None = "reporting-service"
    db_schema: str = "reporting"
    http_port: int = 8083
    snapshot_debounce_s: float = Field(
        default=5.0, gt=0, description="At most one CIOC snapshot round this often on changes."
    )
    snapshot_interval_s: float = Field(
        default=60.0, gt=0, description="A CIOC snapshot round at least this often."
    )
    dashboard_refresh_s: int = Field(default=30, ge=5, description="The dashboard reloads data.")
    admin_token: SecretStr | None = Field(
        default=None,
        description="Token the office sends (X-Admin-Token) to enter the 766 index's outside"
        " figures; when unset only loopback clients may.",
    )
    dashboard_client_id: str = Field(
        default="pasc-dashboard",
        description="The Keycloak public client the dashboard signs people in with (PKCE).",
    )
    rebuild_batch_size: int = Field(default=2000, ge=1, description="Events per replayed batch.")
