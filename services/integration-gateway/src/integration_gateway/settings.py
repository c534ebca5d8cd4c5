"""integration-gateway's settings: the shared ones, with this service's defaults."""

from pasc_runtime.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "integration-gateway"
    db_schema: str = "gateway"
    http_port: int = 8080
