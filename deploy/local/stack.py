#!/usr/bin/env python3

"""Local process stack of the PASC event platform: Kafka (KRaft) + PostgreSQL + Keycloak + the four services.

supervisord does the supervising; this script only prepares the files under <repo>/.pasc/ and
drives supervisord. Run it from the repo root with the workspace venv's python:

    python deploy/local/stack.py infra-up|up|down|status|logs|env|reset|restart PROGRAM

KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL / OIDC_ISSUER in the environment (pointing elsewhere than
the local defaults) mean "use that instead": the local broker / database / Keycloak is then not
started and the value is handed to the services. KAFKA_HEAP_OPTS overrides the broker heap
(-Xms256m -Xmx512m), KEYCLOAK_HEAP_OPTS Keycloak's (-Xms64m -Xmx384m).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import http.client
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import xmlrpc.client
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack_files as files
from stack_files import (
    INFRA_TIMEOUT,
    KAFKA_PORTS,
    KEYCLOAK_MANAGEMENT_PORT,
    KEYCLOAK_PORT,
    LOGS,
    PG_PORT,
    REPO,
    RUN,
    SERVICE_TIMEOUT,
    SERVICES,
    SUPERVISOR_CONF,
    SUPERVISOR_SOCK,
    StackError,
    say,
)

BIN = Path(sys.executable).parent
Supervisor = Any  # the `supervisor.*` XML-RPC namespace of supervisord; its results are untyped
ACTIVE_STATES = {"STARTING", "RUNNING", "BACKOFF", "STOPPING"}


# --- supervisord ---------------------------------------------------------------------------


def supervisor_rpc() -> Supervisor:
    try:
        from supervisor.xmlrpc import SupervisorTransport  # type: ignore[import-untyped]
    except ImportError as exc:
        raise StackError(
            f"supervisor is not installed for {sys.executable}; run this with the workspace "
            "venv's python (`uv sync` installs it)"
        ) from exc
    transport = SupervisorTransport(None, None, f"unix://{SUPERVISOR_SOCK}")
    return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor


def connect() -> Supervisor | None:
    """A client of the running supervisord, or None when it is not running."""
    sv = supervisor_rpc()  # a fresh one each time: a failed call leaves the transport unusable
    try:
        return sv if sv.getState()["statename"] == "RUNNING" else None
    except (OSError, xmlrpc.client.Error, http.client.HTTPException):
        return None


def start_supervisord() -> Supervisor:
    exe = BIN / "supervisord"
    if not exe.exists():
        raise StackError(f"{exe} not found; run this with the workspace venv's python")
    say("supervisord: starting...")
    proc = subprocess.run(  # it forks into the background and this returns
        [str(exe), "-c", str(SUPERVISOR_CONF)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise StackError(f"supervisord did not start:\n{proc.stdout}{proc.stderr}")
    deadline = time.monotonic() + 15
    while (sv := connect()) is None:
        if time.monotonic() > deadline:
            raise StackError(
                "supervisord did not answer within 15s\n" + files.log_tail("supervisord")
            )
        time.sleep(0.1)
    return sv


def apply_config(sv: Supervisor, only: set[str] | None = None) -> None:
    """`supervisorctl update`, limited to the programs in `only` when given."""
    added, changed, removed = sv.reloadConfig()[0]
    keep = (lambda name: name in only) if only is not None else (lambda name: True)
    for name in filter(keep, removed + changed):
        if process_state(sv, name) in ACTIVE_STATES:
            how = "removed from" if name in removed else "changed in"
            say(f"{name}: {how} the config, stopping...")
        with contextlib.suppress(xmlrpc.client.Fault):
            sv.stopProcessGroup(name, True)
        sv.removeProcessGroup(name)
    for name in filter(keep, added + changed):
        sv.addProcessGroup(name)


def process_state(sv: Supervisor, name: str) -> str:
    try:
        return str(sv.getProcessInfo(name)["statename"])
    except xmlrpc.client.Fault:
        return "ABSENT"


def start_program(sv: Supervisor, name: str) -> None:
    try:
        sv.startProcess(name, False)
    except xmlrpc.client.Fault as exc:
        if "ALREADY_STARTED" not in exc.faultString:
            raise StackError(f"{name}: supervisord could not start it ({exc.faultString})") from exc


def stop_programs(sv: Supervisor, names: list[str]) -> None:
    """Stop `names` together and wait until all are down (supervisord escalates to SIGKILL)."""
    running = [n for n in names if process_state(sv, n) in ACTIVE_STATES]
    if not running:
        return
    say(f"{', '.join(running)}: stopping...")
    started = time.monotonic()
    for name in running:
        with contextlib.suppress(xmlrpc.client.Fault):  # it may have exited meanwhile
            sv.stopProcess(name, False)
    while any(process_state(sv, n) in ACTIVE_STATES for n in running):
        time.sleep(0.2)
    say(f"{', '.join(running)}: stopped in {time.monotonic() - started:.1f}s")


# --- readiness -----------------------------------------------------------------------------


def port_open(port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def kafka_ready() -> bool:
    """An ApiVersions v0 round trip: the broker serves requests only once it is unfenced."""
    client_id = b"pasc-stack"
    request = struct.pack(">hhih", 18, 0, 7, len(client_id)) + client_id
    try:
        with socket.create_connection(("127.0.0.1", KAFKA_PORTS[0]), timeout=2) as conn:
            conn.sendall(struct.pack(">i", len(request)) + request)
            size = struct.unpack(">i", _recv_exactly(conn, 4))[0]
            correlation_id, error_code = struct.unpack(">ih", _recv_exactly(conn, size)[:6])
    except (OSError, struct.error):
        return False
    return bool(correlation_id == 7 and error_code == 0)


def _recv_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    return data


def postgres_ready() -> bool:
    pg_isready = str(files.pg_bin_dir() / "pg_isready")
    cmd = [pg_isready, "-q", "-t", "2", "-h", "127.0.0.1", "-p", str(PG_PORT), "-d", "pasc"]
    return subprocess.run(cmd, check=False).returncode == 0


def http_healthy(port: int, path: str = "/health") -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def keycloak_ready() -> bool:
    """Keycloak's readiness (database up, realm imported) on its management interface."""
    return http_healthy(KEYCLOAK_MANAGEMENT_PORT, "/health/ready")


@dataclass
class Target:
    program: str
    ports: tuple[int, ...]
    probe: Callable[[], bool]
    waiting_for: str


def target(program: str) -> Target:
    if program == "kafka":
        return Target("kafka", KAFKA_PORTS, kafka_ready, "ApiVersions on 127.0.0.1:9092")
    if program == "postgres":
        return Target("postgres", (PG_PORT,), postgres_ready, f"pg_isready on 127.0.0.1:{PG_PORT}")
    if program == "keycloak":
        return Target(
            "keycloak",
            (KEYCLOAK_PORT, KEYCLOAK_MANAGEMENT_PORT),
            keycloak_ready,
            f"HTTP 200 on 127.0.0.1:{KEYCLOAK_MANAGEMENT_PORT}/health/ready",
        )
    port = SERVICES[program][1]
    return Target(
        program, (port,), lambda: http_healthy(port), f"HTTP 200 on 127.0.0.1:{port}/health"
    )


def ensure_running(sv: Supervisor, targets: list[Target], timeout: float) -> None:
    """Start what is not running yet, then wait until every target answers its probe."""
    to_start = []
    for t in targets:
        if process_state(sv, t.program) in ACTIVE_STATES:
            continue
        taken = [p for p in t.ports if port_open(p)]
        if taken:
            raise StackError(
                f"{t.program}: port {taken[0]} is already taken by a process outside this stack "
                f"(see `ss -ltnp 'sport = :{taken[0]}'`)"
            )
        to_start.append(t)
    for t in to_start:
        say(f"{t.program}: starting...")
        start_program(sv, t.program)
    wait_ready(sv, targets, timeout, announce_running=[t for t in targets if t not in to_start])


def wait_ready(
    sv: Supervisor,
    targets: list[Target],
    timeout: float,
    announce_running: Sequence[Target] = (),
) -> None:
    started = time.monotonic()
    pending = list(targets)
    first_round = True
    while pending:
        for t in list(pending):
            if t.probe():
                pending.remove(t)
                if first_round and t in announce_running:
                    say(f"{t.program}: already running")
                else:
                    say(f"{t.program}: ready in {time.monotonic() - started:.1f}s")
                continue
            state = process_state(sv, t.program)
            if state in {"FATAL", "STOPPED", "ABSENT"}:
                raise StackError(
                    f"{t.program} is {state}: it did not come up\n{files.log_tail(t.program)}"
                )
        first_round = False
        if pending and time.monotonic() - started > timeout:
            details = "\n".join(
                f"{t.program}: still no {t.waiting_for}\n{files.log_tail(t.program)}"
                for t in pending
            )
            raise StackError(f"not ready after {timeout:.0f}s\n{details}")
        if pending:
            time.sleep(0.25)


# --- commands ------------------------------------------------------------------------------


@contextlib.contextmanager
def stack_lock() -> Iterator[None]:
    """Serialises concurrent stack.py calls (e.g. parallel test sessions running infra-up)."""
    RUN.mkdir(parents=True, exist_ok=True)
    with (RUN / "stack.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("waiting for another stack.py call to finish...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def infra_up(only: set[str] | None = None) -> Supervisor:
    """Start the local infra (`only` those programs when given) and wait until it answers."""
    files.prepare_dirs()
    local = [name for name in files.local_infra() if only is None or name in only]
    for name, value in files.external_infra().items():
        say(f"{name}: using {value} from the environment; the local one is not started")
    if "kafka" in local:
        files.ensure_kafka_jars()
        files.write_kafka_properties()
        files.ensure_kafka_storage()
    if "postgres" in local:
        files.ensure_postgres_cluster()
    sv = connect()
    if "keycloak" in local:
        changing = files.keycloak_dist_outdated() or files.keycloak_realm_changed()
        if sv is not None and changing:
            stop_programs(sv, ["keycloak"])  # not while its files are replaced under it
        files.ensure_keycloak_dist()
        files.ensure_keycloak_realm()
    files.write_supervisord_conf()
    if sv is not None:
        apply_config(sv, only={"kafka", "postgres", "keycloak"})
    else:
        sv = start_supervisord()
    timeout = files.KEYCLOAK_TIMEOUT if "keycloak" in local else INFRA_TIMEOUT
    ensure_running(sv, [target(name) for name in local], timeout)
    if "postgres" in local:
        files.ensure_service_roles()
    return sv


def cmd_infra_up(_: argparse.Namespace) -> int:
    with stack_lock():
        infra_up()
    return 0


def cmd_up(_: argparse.Namespace) -> int:
    with stack_lock():
        sv = infra_up()
        apply_config(sv)
        ensure_running(sv, [target(name) for name in SERVICES], SERVICE_TIMEOUT)
    return 0


def down() -> None:
    sv = connect()
    if sv is None:
        say("supervisord is not running; nothing to stop")
        infra_ports = (*KAFKA_PORTS, PG_PORT, KEYCLOAK_PORT, KEYCLOAK_MANAGEMENT_PORT)
        orphans = [p for p in (*infra_ports, *(p for _, p in SERVICES.values())) if port_open(p)]
        if orphans:
            say(f"note: ports {orphans} are still open (left over from a killed supervisord?)")
        return
    stop_programs(sv, list(SERVICES))  # services first: they still flush to Kafka / Postgres
    stop_programs(sv, ["keycloak", "kafka"])
    stop_programs(sv, ["postgres"])
    leftovers = [p["name"] for p in sv.getAllProcessInfo() if p["statename"] in ACTIVE_STATES]
    stop_programs(sv, leftovers)
    sv.shutdown()
    deadline = time.monotonic() + 30
    while (RUN / "supervisord.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    say("supervisord: stopped")


def cmd_down(_: argparse.Namespace) -> int:
    with stack_lock():
        down()
    return 0


def cmd_reset(_: argparse.Namespace) -> int:
    with stack_lock():
        down()
        for path in files.reset_paths():
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
            say(f"deleted {path.relative_to(REPO)}")
    return 0


def cmd_restart(args: argparse.Namespace) -> int:
    with stack_lock():
        sv = connect()
        if sv is None:
            raise StackError("supervisord is not running; start the stack with `up` or `infra-up`")
        if process_state(sv, args.program) == "ABSENT":
            raise StackError(f"{args.program} is not a program of the running stack")
        stop_programs(sv, [args.program])
        say(f"{args.program}: starting...")
        start_program(sv, args.program)
        timeout = SERVICE_TIMEOUT if args.program in SERVICES else INFRA_TIMEOUT
        if args.program == "keycloak":
            timeout = files.KEYCLOAK_TIMEOUT
        wait_ready(sv, [target(args.program)], timeout)
    return 0


def cmd_status(_: argparse.Namespace) -> int:
    if connect() is None:
        say("supervisord is not running")
        return 3
    subprocess.run([str(BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONF), "status"], check=False)
    print()
    local = files.local_infra()
    for name in ("kafka", "postgres", "keycloak"):
        if name in local:
            t = target(name)
            print(f"{name:<20} {t.waiting_for:<40} {'ok' if t.probe() else 'DOWN'}")
        else:
            print(f"{name:<20} external: {files.external_infra()[name]}")
    for name, (_module, port) in SERVICES.items():
        # Readiness, not liveness: broker and database answer and the consumers hold partitions.
        url = f"http://127.0.0.1:{port}/ready"
        ready = http_healthy(port, "/ready")
        print(f"{name:<20} {url:<40} {'ready' if ready else 'NOT READY (see the URL)'}")
    return 0


def cmd_logs(_: argparse.Namespace) -> int:
    logs = sorted(str(p) for p in LOGS.glob("*.log"))
    if not logs:
        raise StackError(f"no logs yet in {LOGS}")
    os.execvp("tail", ["tail", "-n", "20", "-F", *logs])  # noqa: S606


def cmd_env(_: argparse.Namespace) -> int:
    for key, value in files.service_endpoints().items():
        print(f"{key}={value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, func, help_text in [
        ("infra-up", cmd_infra_up, "start Kafka, PostgreSQL and Keycloak (idempotent)"),
        ("up", cmd_up, "infra-up, then the four services"),
        ("down", cmd_down, "stop everything; data is kept"),
        ("status", cmd_status, "supervisorctl status plus health probes"),
        ("logs", cmd_logs, "tail -F every log in .pasc/logs"),
        ("env", cmd_env, "print KAFKA_BOOTSTRAP_SERVERS=, DATABASE_URL= and OIDC_ISSUER= lines"),
        ("reset", cmd_reset, "down, then delete the Kafka, PostgreSQL and Keycloak data"),
        ("restart", cmd_restart, "restart one program and wait until it is ready again"),
    ]:
        sub = commands.add_parser(name, help=help_text)
        sub.set_defaults(func=func)
        if name == "restart":
            sub.add_argument("program", choices=["kafka", "postgres", "keycloak", *SERVICES])
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except StackError as exc:
        print(f"[stack] error: {exc}", file=sys.stderr, flush=True)
        return 1
    except xmlrpc.client.Fault as exc:
        print(f"[stack] error: supervisord refused: {exc.faultString}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
