"""`python deploy/local/with_infra.py CMD...`: run CMD with Kafka, PostgreSQL and Keycloak up.

Starts the local infra if it is not already running, points CMD at it through
KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL and OIDC_ISSUER, and afterwards stops only what it started.
PASC_INFRA_ONLY=keycloak (a comma-separated list) starts only those programs (the fault suite
brings its own brokers and database but signs in with the local Keycloak).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import stack
import stack_files as files


def running_infra() -> set[str]:
    """The local infra programs that already answer (none when supervisord is not running)."""
    ready = {
        "kafka": stack.kafka_ready,
        "postgres": stack.postgres_ready,
        "keycloak": stack.keycloak_ready,
    }
    if stack.connect() is None:
        return set()
    return {name for name in wanted() if ready[name]()}


def wanted() -> list[str]:
    only = {n.strip() for n in os.environ.get("PASC_INFRA_ONLY", "").split(",") if n.strip()}
    return [name for name in files.local_infra() if not only or name in only]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    supervisord_running = stack.connect() is not None
    already = running_infra()
    started_here = set(wanted()) - already
    if started_here:
        with stack.stack_lock():
            stack.infra_up(set(wanted()))
    names = {
        "kafka": "KAFKA_BOOTSTRAP_SERVERS",
        "postgres": "DATABASE_URL",
        "keycloak": "OIDC_ISSUER",
    }
    endpoints = files.service_endpoints()
    exported = {names[n] for n in wanted()} | {names[n] for n in files.external_infra()}
    env = {**os.environ, **{k: v for k, v in endpoints.items() if k in exported}}
    try:
        return subprocess.call(argv, env=env)
    finally:
        if started_here:
            with stack.stack_lock():
                if supervisord_running:  # someone else's stack: stop only what we added to it
                    sv = stack.connect()
                    if sv is not None:
                        stack.stop_programs(sv, sorted(started_here))
                else:
                    stack.down()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
