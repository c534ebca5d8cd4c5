"""Run a real service process for a test: its own schema, consumer group and port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from support.roles import schema_roles

LOG_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "logs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class RunningService:
    name: str
    url: str
    schema: str
    group: str
    process: subprocess.Popen[bytes]
    log: Path
    database_url: str = ""  # what the service connects with (its own role under `roles`)

    def group_for(self, topic: str) -> str:
        """The consumer group the service uses for `topic` (the runtime's default)."""
        return f"{self.group}.{topic}"


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 180
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"service exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise TimeoutError(f"{url}/health not 200 after {timeout}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def run_service(
    module: str,
    *,
    kafka: str,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    roles: bool | None = None,
) -> Iterator[RunningService]:
    """Start `python -m module` with a fresh schema and consumer group; stop it afterwards.

    `roles`: the production role model (support/roles.py): the service migrates as the schema's
    owner and runs as a role of its own, which `database_url` (a superuser) makes for the test
    and drops afterwards. Off: the service does everything as `database_url`'s role. By default
    on, unless `extra_env` names DB_SCHEMA (instances sharing a schema, started in turn)."""
    if roles is None:
        roles = "DB_SCHEMA" not in (extra_env or {})
    with contextlib.ExitStack() as stack:
        schema = None
        if roles:
            schema = f"{module.split('_')[0]}_test_{uuid.uuid4().hex[:8]}"
            made = stack.enter_context(schema_roles(database_url, schema))
            extra_env = {**(extra_env or {}), **made.env()}
        yield stack.enter_context(_running(module, kafka, database_url, extra_env, schema))


@contextlib.contextmanager
def _running(
    module: str,
    kafka: str,
    database_url: str,
    extra_env: dict[str, str] | None,
    schema: str | None,
) -> Iterator[RunningService]:
    service = ServiceProcess.create(
        module, kafka=kafka, database_url=database_url, extra_env=extra_env, schema=schema
    )
    try:
        process = service.start(timeout=180)  # a fresh group first replays the shared topics
        yield RunningService(
            service.name,
            service.url,
            service.schema,
            service.name,
            process,
            service.log,
            service.env["DATABASE_URL"],
        )
    finally:
        service.stop()


@dataclass
class ServiceProcess:
    """A service that can be SIGKILLed and started again as the same instance: same name,
    schema, consumer groups and port (run_service gives each start fresh ones)."""

    module: str
    name: str
    schema: str
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def create(
        cls,
        module: str,
        *,
        kafka: str,
        database_url: str,
        extra_env: dict[str, str] | None = None,
        name: str | None = None,
        schema: str | None = None,
    ) -> ServiceProcess:
        """A new instance; `name` and `schema` shared with another one make a second replica."""
        suffix = uuid.uuid4().hex[:8]
        name = name or f"{module.replace('_', '-')}-test-{suffix}"
        schema = schema or f"{module.split('_')[0]}_test_{suffix}"
        port = free_port()
        env = {
            **os.environ,
            "SERVICE_NAME": name,
            "DB_SCHEMA": schema,
            "HTTP_PORT": str(port),
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = LOG_DIR / f"{name}-{port}.log"
        return cls(module, name, schema, port, env, log)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 90) -> subprocess.Popen[bytes]:
        """Start (again) and wait until /health answers 200; the log is appended to."""
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_healthy(self.url, self.process, self.log, timeout)
        return self.process

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, nothing flushed, no group left politely."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
