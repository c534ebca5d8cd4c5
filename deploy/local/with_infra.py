"""`python deploy/local/with_infra.py CMD...`: run CMD with Kafka and PostgreSQL up.

Starts the local infra if it is not already running, points CMD at it through
KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL, and afterwards stops only what it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import stack
import stack_files as files


def infra_already_running() -> bool:
    local = files.local_infra()
    ready = {"kafka": stack.kafka_ready, "postgres": stack.postgres_ready}
    return stack.connect() is not None and all(ready[name]() for name in local)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    started_here = not infra_already_running()
    if started_here:
        with stack.stack_lock():
            stack.infra_up()
    env = {**os.environ, **files.service_endpoints()}
    try:
        return subprocess.call(argv, env=env)
    finally:
        if started_here:
            with stack.stack_lock():
                stack.down()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
