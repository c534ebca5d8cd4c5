"""The fault suite runs only under `make test-faults` (PASC_FAULTS=1): it starts its own
three-broker Kafka cluster and PostgreSQL, takes minutes, and is not part of `make test`."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterator

import pytest

from faults import report
from faults.checks import Ledger
from faults.platform import REPO, Platform

ENABLED = os.environ.get("PASC_FAULTS") == "1"
# Brokers going away on purpose make aiokafka log every failed connection attempt.
logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
collect_ignore_glob = [] if ENABLED else ["test_*.py"]


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    # Under .pasc (not /tmp): the postgres account must be able to enter the data directory.
    state = REPO / ".pasc" / "faults" / uuid.uuid4().hex[:8]
    running = Platform.create(state)
    try:
        running.start()
        yield running
    finally:
        if os.environ.get("PASC_FAULTS_KEEP") == "1":  # to look around after a failure
            print(f"\nkept running: {running.describe()}")
        else:
            running.stop()
            shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    return Ledger()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not report.VERDICTS:
        return
    terminalreporter.section("fault injection: every accepted record exactly once")
    terminalreporter.write_line(report.table(report.VERDICTS))
    terminalreporter.write_line(f"\n(also in {report.write(report.VERDICTS)})")
