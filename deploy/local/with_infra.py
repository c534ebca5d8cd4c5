"""`python deploy/local/with_infra.py CMD...`: run CMD with Kafka, PostgreSQL and Keycloak up.

Starts the local infra if it is not already running, points CMD at it through
KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL and OIDC_ISSUER, and afterwards stops only what it started.
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
    return {name for name in files.local_infra() if ready[name]()}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    supervisord_running = stack.connect() is not None
    already = running_infra()
    started_here = set(files.local_infra()) - already
    if started_here:
        with stack.stack_lock():
            stack.infra_up()
    env = {**os.environ, **files.service_endpoints()}
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
