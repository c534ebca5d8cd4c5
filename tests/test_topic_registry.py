"""The topic registry and the services agree: each service subscribes to exactly the topics the
registry lists it for (what its AsyncAPI document, ACLs and KafkaUsers grant), and a service
whose code and registry disagree does not start.

Unit level: the four apps are built (not started), as `serve` builds them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

import catalog_service.bootstrap
import catalog_service.settings
import integration_gateway.bootstrap
import integration_gateway.settings
import pasc_runtime.app
import reporting_service.bootstrap
import reporting_service.settings
import task_service.bootstrap
import task_service.settings
from pasc_contracts import TOPICS, Topic, topic
from pasc_contracts.topics import CATALOG, DEAD_LETTER_TOPIC, GATEWAY, REPORTING, SERVICES, TASK
from pasc_runtime.handlers import SubscriptionError

BUILDERS: dict[str, Callable[[], Any]] = {
    GATEWAY: lambda: integration_gateway.bootstrap.build_app(
        integration_gateway.settings.Settings()
    ),
    TASK: lambda: task_service.bootstrap.build_app(task_service.settings.Settings()),
    CATALOG: lambda: catalog_service.bootstrap.build_app(catalog_service.settings.Settings()),
    REPORTING: lambda: reporting_service.bootstrap.build_app(reporting_service.settings.Settings()),
}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_consumes_exactly_the_topics_the_registry_lists(service: str) -> None:
    runtime = BUILDERS[service]().runtime
    assert runtime.service == service  # so the runtime checks its subscriptions
    subscribed = sorted(c.topic.name for c in runtime.consumers)
    assert subscribed == sorted(t.name for t in TOPICS if service in t.consumers)


def test_every_topic_but_the_dead_letters_has_a_consumer() -> None:
    # Dead letters are read by people (`pasc deadletters`), not by a service.
    unread = [t.name for t in TOPICS if not t.consumers and t.name != DEAD_LETTER_TOPIC]
    assert unread == []


def test_a_declared_consumer_that_does_not_subscribe_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The registry once listed task-service as a consumer of catalog.decisions.v1 (so its
    ACLs granted it) while its code never subscribed."""
    declared = dataclasses.replace(
        topic("catalog.decisions.v1"), consumers=(*topic("catalog.decisions.v1").consumers, TASK)
    )
    real = pasc_runtime.app.consumed_by

    def consumed_by(service: str) -> list[Topic]:
        extra = [declared] if service == TASK else []
        return real(service) + extra

    monkeypatch.setattr(pasc_runtime.app, "consumed_by", consumed_by)
    with pytest.raises(SubscriptionError, match=r"task-service .* catalog\.decisions\.v1"):
        BUILDERS[TASK]()


def test_a_consumer_the_registry_does_not_declare_does_not_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = pasc_runtime.app.topic

    def undeclared(name: str) -> Topic:
        found = real(name)
        if name == "plan.submissions.v1":
            return dataclasses.replace(found, consumers=())
        return found

    monkeypatch.setattr(pasc_runtime.app, "topic", undeclared)
    with pytest.raises(SubscriptionError, match=r"task-service does not consume plan\.submissions"):
        BUILDERS[TASK]()
