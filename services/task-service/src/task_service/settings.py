"""task-service's settings: the shared ones, with this service's defaults."""

from pasc_runtime.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "task-service"
    db_schema: str = "task"
    http_port: int = 8081
