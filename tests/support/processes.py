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


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
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
    module: str, *, kafka: str, database_url: str, extra_env: dict[str, str] | None = None
) -> Iterator[RunningService]:
    """Start `python -m module` with a fresh schema and consumer group; stop it afterwards."""
    suffix = uuid.uuid4().hex[:8]
    name = f"{module.replace('_', '-')}-test-{suffix}"
    schema = f"{module.split('_')[0]}_test_{suffix}"
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"{name}.log"
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
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        yield RunningService(name, url, schema, name, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
