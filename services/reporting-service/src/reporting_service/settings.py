"""reporting-service's settings: the shared ones, with this service's defaults."""

from pasc_runtime.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "reporting-service"
    db_schema: str = "reporting"
    http_port: int = 8083
