"""Subscriptions come from the topic registry: a service consumes exactly the topics it is
listed for, and every event of those topics is handled or ignored by name."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pasc_contracts import Event, topic
from pasc_contracts.events import catalog
from pasc_contracts.events.catalog import Coverage
from pasc_contracts.events.plan import MonthlyReportSubmitted, ProgressSubmitted
from pasc_contracts.topics import TASK
from pasc_runtime.app import Runtime
from pasc_runtime.consumer import Rejection
from pasc_runtime.db import Connection
from pasc_runtime.handlers import EventHandlers, EventsHandler, SubscriptionError
from pasc_runtime.settings import ServiceSettings


class TaskLikeSettings(ServiceSettings):
    service_name: str = "task-service-under-another-name"
    db_schema: str = "subscriptions"
    http_port: int = 8999


async def nothing(conn: Connection, events: Sequence[Event]) -> list[Rejection]:
    return []


def task_handlers() -> EventHandlers:
    """What task-service is listed for: plan.submissions.v1 and catalog.agencies.v1."""
    handlers = EventHandlers()
    handlers.add(nothing, ProgressSubmitted, MonthlyReportSubmitted)
    handlers.add(nothing, *topic("catalog.agencies.v1").events)
    return handlers


def test_a_topic_the_registry_does_not_list_for_the_service_is_refused() -> None:
    runtime = Runtime(TaskLikeSettings(), service=TASK)
    with pytest.raises(SubscriptionError, match=r"task-service does not consume dossier"):
        runtime.consume("dossier.lifecycle.v1", nothing)


def test_a_listed_topic_without_a_handler_stops_the_start() -> None:
    runtime = Runtime(TaskLikeSettings(), service=TASK)
    runtime.consume("plan.submissions.v1", nothing)
    with pytest.raises(SubscriptionError, match=r"catalog\.agencies\.v1"):
        runtime.app(title="task", description="half subscribed")


def test_the_registry_s_topics_subscribed_start() -> None:
    runtime = Runtime(TaskLikeSettings(), service=TASK)
    runtime.subscribe(task_handlers())
    runtime.app(title="task", description="subscribed as listed")
    assert {c.topic.name for c in runtime.consumers} == {
        "plan.submissions.v1",
        "catalog.agencies.v1",
    }


def test_a_topic_subscribed_twice_is_refused() -> None:
    runtime = Runtime(TaskLikeSettings(), service=TASK)
    runtime.consume("plan.submissions.v1", nothing)
    with pytest.raises(SubscriptionError, match="twice"):
        runtime.consume("plan.submissions.v1", nothing)


def test_an_event_of_a_consumed_topic_nobody_decided_on_is_refused() -> None:
    handlers = EventHandlers()
    handlers.add(nothing, catalog.DepartmentFullyOnboarded)
    handlers.ignore(catalog.AgencyRegistered, reason="not needed")
    with pytest.raises(SubscriptionError, match="CoverageChanged, DepartmentOnboardingReopened"):
        handlers.for_topic(topic("catalog.agencies.v1"))


def test_an_event_class_registered_twice_is_refused() -> None:
    handlers = EventHandlers()
    handlers.add(nothing, ProgressSubmitted)
    with pytest.raises(SubscriptionError, match="ProgressSubmitted is registered twice"):
        handlers.ignore(ProgressSubmitted, reason="changed my mind")


async def test_a_batch_reaches_each_handler_in_partition_order() -> None:
    seen: list[tuple[str, list[str]]] = []

    def recorder(name: str) -> EventsHandler[Event]:
        async def record(conn: Connection, events: Sequence[Event]) -> list[Rejection]:
            codes = [e.payload.agency_code for e in events if isinstance(e.payload, Coverage)]
            seen.append((name, codes))
            return []

        return record

    handlers = EventHandlers()
    handlers.add(recorder("onboarding"), catalog.DepartmentFullyOnboarded)
    handlers.add(recorder("coverage"), catalog.CoverageChanged)
    handlers.ignore(
        catalog.AgencyRegistered,
        catalog.AgencyLineageChanged,
        catalog.DepartmentOnboardingReopened,
        reason="not needed",
    )
    coverage = catalog.CoverageChanged.EXAMPLE_PAYLOAD
    batch: list[Event] = [
        catalog.DepartmentFullyOnboarded.model_validate(
            {"producer": "t", "payload": {**coverage, "agency_code": code}}
        )
        for code in ("A", "B")
    ]
    batch.append(catalog.AgencyRegistered.example())
    batch.append(
        catalog.CoverageChanged.model_validate(
            {"producer": "t", "payload": {**coverage, "agency_code": "C"}}
        )
    )
    batch.append(
        catalog.DepartmentFullyOnboarded.model_validate(
            {"producer": "t", "payload": {**coverage, "agency_code": "D"}}
        )
    )
    dispatch = handlers.for_topic(topic("catalog.agencies.v1"))
    assert await dispatch(None, batch) == []  # type: ignore[arg-type]  # no handler here uses the connection
    assert seen == [("onboarding", ["A", "B"]), ("coverage", ["C"]), ("onboarding", ["D"])]
