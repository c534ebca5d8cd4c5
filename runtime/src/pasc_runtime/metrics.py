"""The platform's own Prometheus metrics, in the service's registry beside FastStream's."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

UNKNOWN = "unknown"


@cache
def git_sha() -> str:
    """The commit the process runs: `PASC_GIT_SHA` (set by image builds), else the checkout's
    HEAD when the code runs from one, else "unknown"."""
    if sha := os.environ.get("PASC_GIT_SHA"):
        return sha[:40]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],  # noqa: S607 - git from PATH, fixed args
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return UNKNOWN
    sha = done.stdout.strip() if done.returncode == 0 else ""
    return sha or UNKNOWN


def package_version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return UNKNOWN


@dataclass(frozen=True)
class PlatformMetrics:
    registry: CollectorRegistry
    events_processed: Counter
    duplicates_skipped: Counter
    dead_letters: Counter
    batch_seconds: Histogram
    redeliveries: Counter
    outbox_published: Counter
    outbox_backlog: Gauge
    outbox_oldest_age: Gauge
    consumer_lag: Gauge
    assigned_partitions: Gauge
    build_info: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> PlatformMetrics:
        reg = registry or CollectorRegistry()
        # The process (CPU, memory, open files) and the interpreter (version, GC), as the
        # default registry has them; a service's own registry needs its own instances.
        ProcessCollector(registry=reg)
        PlatformCollector(registry=reg)
        GCCollector(registry=reg)
        return cls(
            registry=reg,
            events_processed=Counter(
                "pasc_events_processed_total",
                "Events a consumer applied (duplicates excluded).",
                ["topic", "consumer"],
                registry=reg,
            ),
            duplicates_skipped=Counter(
                "pasc_inbox_duplicates_skipped_total",
                "Redelivered events the inbox recognised and skipped.",
                ["topic", "consumer"],
                registry=reg,
            ),
            dead_letters=Counter(
                "pasc_dead_letters_total",
                "Messages sent to the dead-letter topic, by source topic and reason.",
                ["topic", "kind"],
                registry=reg,
            ),
            batch_seconds=Histogram(
                "pasc_consumer_batch_duration_seconds",
                "Time to apply one consumed batch, DB commit included.",
                ["topic"],
                registry=reg,
            ),
            redeliveries=Counter(
                "pasc_consumer_redeliveries_total",
                "Batches handed back to Kafka because a dependency was unavailable.",
                ["topic"],
                registry=reg,
            ),
            outbox_published=Counter(
                "pasc_outbox_published_total",
                "Events the outbox relay published.",
                ["topic"],
                registry=reg,
            ),
            outbox_backlog=Gauge(
                "pasc_outbox_backlog",
                "Events committed but not yet published.",
                registry=reg,
            ),
            outbox_oldest_age=Gauge(
                "pasc_outbox_oldest_age_seconds",
                "Age of the oldest unpublished outbox event.",
                registry=reg,
            ),
            consumer_lag=Gauge(
                "pasc_consumer_lag",
                "Messages not yet consumed: the partition's high watermark minus the group's"
                " committed offset.",
                ["topic", "partition", "group"],
                registry=reg,
            ),
            assigned_partitions=Gauge(
                "pasc_consumer_assigned_partitions",
                "Partitions the group gave this instance's consumer (0: a standby replica).",
                ["topic", "group"],
                registry=reg,
            ),
            build_info=Gauge(
                "pasc_build_info",
                "Always 1: the service, its package version and the git commit it runs.",
                ["service", "version", "git_sha"],
                registry=reg,
            ),
        )

    def describe_build(self, service: str) -> None:
        """Set pasc_build_info for `service` (its distribution has the same name)."""
        self.build_info.labels(service, package_version(service), git_sha()).set(1)
