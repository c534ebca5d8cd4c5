"""reporting-service's Prometheus metrics, in the runtime's registry.

Business gauges are month-to-date figures per agency (the `agency` label is bounded by the
known agencies, others under `other`) and city-wide ratios; they are refreshed with every
KPI snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from reporting_service.domain.agencies import metric_label
from reporting_service.domain.figures import Figures

COUNT_GAUGES = (
    "received",
    "processed",
    "on_time",
    "late",
    "in_process",
    "overdue",
    "online",
    "digitized",
)
RATIO_GAUGES = ("on_time_rate", "online_rate", "digitized_rate")


@dataclass(frozen=True)
class ReportingMetrics:
    snapshots_applied: Counter
    event_delay: Histogram
    query_seconds: Histogram
    snapshots_published: Counter
    counts: dict[str, Gauge]
    ratios: dict[str, Gauge]
    city_ratios: dict[str, Gauge]
    coverage_ratio: Gauge
    plan_tasks: Gauge
    plan_overdue: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> ReportingMetrics:
        return cls(
            snapshots_applied=Counter(
                "pasc_reporting_dossier_snapshots_total",
                "Dossier snapshots applied to the read model; stale: an older revision, ignored.",
                ["outcome"],
                registry=registry,
            ),
            event_delay=Histogram(
                "pasc_reporting_event_delay_seconds",
                "Time from an event's occurred_at to its effect in the read model.",
                ["topic"],
                buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600),
                registry=registry,
            ),
            query_seconds=Histogram(
                "pasc_reporting_query_duration_seconds",
                "Time to answer a figures query, by query.",
                ["query"],
                buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
                registry=registry,
            ),
            snapshots_published=Counter(
                "pasc_reporting_kpi_snapshots_published_total",
                "KPI snapshot rounds staged for the CIOC, by why (changed or interval).",
                ["reason"],
                registry=registry,
            ),
            counts={
                name: Gauge(
                    f"pasc_kpi_{name}_dossiers",
                    f"Dossiers {name.replace('_', ' ')}, month to date (in process and overdue: now).",
                    ["agency"],
                    registry=registry,
                )
                for name in COUNT_GAUGES
            },
            ratios={
                name: Gauge(
                    f"pasc_kpi_{name.removesuffix('_rate')}_ratio",
                    f"{name.removesuffix('_rate').replace('_', ' ').capitalize()} ratio 0..1, month to date.",
                    ["agency"],
                    registry=registry,
                )
                for name in RATIO_GAUGES
            },
            city_ratios={
                name: Gauge(
                    f"pasc_kpi_city_{name.removesuffix('_rate')}_ratio",
                    f"City-wide {name.removesuffix('_rate').replace('_', ' ')} ratio 0..1, month to date.",
                    registry=registry,
                )
                for name in RATIO_GAUGES
            },
            coverage_ratio=Gauge(
                "pasc_catalog_coverage_ratio",
                "Procedures received at the Center over eligible procedures.",
                ["agency"],
                registry=registry,
            ),
            plan_tasks=Gauge(
                "pasc_plan_tasks",
                "The plan's task assignments by status.",
                ["agency", "status"],
                registry=registry,
            ),
            plan_overdue=Gauge(
                "pasc_plan_tasks_overdue",
                "Task assignments not done past their deadline.",
                ["agency"],
                registry=registry,
            ),
        )

    def set_figures(
        self,
        city: Figures,
        by_agency: dict[str, Figures],
        backlog: dict[str | None, tuple[int, int]],
    ) -> None:
        """Month-to-date figures per agency label; in process and overdue are the backlog now."""
        merged: dict[str, Figures] = {}
        for code in {*by_agency, *(k for k in backlog if k is not None)}:
            in_process, overdue = backlog.get(code, (0, 0))
            figures = replace(
                by_agency.get(code, Figures()), in_process=in_process, overdue=overdue
            )
            label = metric_label(code)
            merged[label] = _add(merged[label], figures) if label in merged else figures
        for label, figures in merged.items():
            for name, gauge in self.counts.items():
                gauge.labels(label).set(getattr(figures, name))
            for name, gauge in self.ratios.items():
                value = getattr(figures, name)
                gauge.labels(label).set(float("nan") if value is None else value)
        for name, gauge in self.city_ratios.items():
            value = getattr(city, name)
            gauge.set(float("nan") if value is None else value)


def _add(a: Figures, b: Figures) -> Figures:
    return Figures(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(Figures)})
