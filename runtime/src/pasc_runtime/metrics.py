"""The platform's own Prometheus metrics, in the service's registry beside FastStream's."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


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

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> PlatformMetrics:
        reg = registry or CollectorRegistry()
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
        )
