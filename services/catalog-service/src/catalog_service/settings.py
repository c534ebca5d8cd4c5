"""catalog-service's settings: the shared ones, with this service's defaults."""

from pasc_runtime.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "catalog-service"
    oidc_audience: str | None = "catalog-service"
    db_schema: str = "catalog"
    http_port: int = 8082
