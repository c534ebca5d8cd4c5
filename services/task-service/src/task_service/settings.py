"""task-service's settings: the shared ones, with this service's defaults."""

from pydantic import AwareDatetime, Field

from pasc_runtime.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "task-service"
    oidc_audience: str | None = "task-service"
    db_schema: str = "task"
    http_port: int = 8081
    tick_interval_s: float = Field(
        default=60.0, ge=0, description="How often the alert scheduler runs; 0 turns it off."
    )
    clock_now: AwareDatetime | None = Field(
        default=None, description="Fix the service's clock (rehearsals, tests); None: real time."
    )
    allow_tick_at: bool = Field(
        default=False,
        description="Let POST /v1/admin/tick run at a given instant (rehearsals, tests only: "
        "alerts emitted for a future day are never emitted again).",
    )
    submission_clock_skew_s: float = Field(
        default=300.0, ge=0, description="How far in the future a report's time may be."
    )
