"""A PostgreSQL instance of the fault suite's own, so it can be restarted mid-stream.

Same binaries (`pg_bin_dir()`), account and settings as the local stack's server
(deploy/local/stack_files.py), on a port of its own; TCP only. The shared server of
`make infra-up` is never touched.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from faults.cluster import files
from support.processes import free_port

USER = PASSWORD = DATABASE = "pasc"


def _as_pg_account() -> dict[str, Any]:
    """Popen options to run as the server's account (`postgres` when we are root)."""
    account = files.pg_account()
    if account is None:
        return {}
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


class Postgres:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{DATABASE}"

    def _bin(self, tool: str) -> str:
        return str(files.pg_bin_dir() / tool)

    def _give_to_pg(self, path: Path) -> None:
        account = files.pg_account()
        if account is not None:
            shutil.chown(path, account.pw_uid, account.pw_gid)

    def prepare(self) -> None:
        """initdb, then the role's password and the database (single-user mode: no port open)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o755)
        self.data.mkdir(mode=0o700)
        self._give_to_pg(self.data)
        as_pg = {**_as_pg_account(), "cwd": str(self.directory)}
        files.run(
            [
                *(self._bin("initdb"), "-D", str(self.data), "-U", USER, "--encoding=UTF8"),
                *("--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"),
                "--no-instructions",
            ],
            "initdb (fault suite)",
            **as_pg,
        )
        (self.data / "pg_hba.conf").write_text(files.PG_HBA)
        output = files.run(
            [self._bin("postgres"), "--single", "-D", str(self.data), "postgres"],
            "postgres --single (fault suite)",
            input=f"ALTER ROLE {USER} PASSWORD '{PASSWORD}';\nCREATE DATABASE {DATABASE};\n",
            **as_pg,
        )
        if "ERROR" in output:
            raise RuntimeError(f"setting up the role and database failed:\n{output}")

    def command(self) -> list[str]:
        settings = {
            **files.POSTGRES_SETTINGS,
            "port": str(self.port),
            "unix_socket_directories": "",
            "max_connections": "300",
            "fsync": "off",  # a throwaway cluster; crash recovery is still exercised
        }
        return [
            self._bin("postgres"),
            "-D",
            str(self.data),
            *[arg for k, v in settings.items() for arg in ("-c", f"{k}={v}")],
        ]

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.directory,
                **_as_pg_account(),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited:\n{self.log.read_text()[-3000:]}")
            if self.ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"postgres not ready after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def ready(self) -> bool:
        probe = [self._bin("pg_isready"), "-q", "-t", "2", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(probe, check=False).returncode == 0

    def crash(self) -> None:
        """Immediate shutdown (SIGQUIT): every connection dropped, no checkpoint; recovery at start."""
        self._signal(signal.SIGQUIT)

    def stop(self) -> None:
        self._signal(signal.SIGINT)  # fast shutdown

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
