"""One handler registry per service, keyed by event class.

A service says which events it applies (`handlers.add(apply, TaskOverdue, TaskDueSoon)`) and
which it reads past on purpose (`handlers.ignore(AgencyRegistered, reason=...)`); the topics it
subscribes to follow from the classes, through the topic registry. A handler gets the events of
its classes typed (`list[TaskOverdue | TaskDueSoon]`, each with its own payload type), in the
order of the partition: a batch is cut into consecutive runs of the same handler, so two
handlers on one topic never see their events reordered across each other.

Every event a consumed topic carries must be handled or ignored, or the service does not start:
a topic gaining an event type is a decision for each consumer, never a silent skip.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pasc_contracts import Event, Topic, topic_of
from pasc_contracts.topics import TOPICS
from pasc_runtime.consumer import BatchHandler, Rejection
from pasc_runtime.db import Connection

E = TypeVar("E", bound=Event)
# A Sequence, not a list: a handler of `Sequence[Event[DossierChange]]` takes every dossier event.
EventsHandler = Callable[[Connection, Sequence[E]], Awaitable[list[Rejection]]]


class SubscriptionError(RuntimeError):
    """A service's subscriptions disagree with the topic registry: it refuses to start."""


class EventHandlers:
    def __init__(self) -> None:
        # Any: each entry is an EventsHandler of its own class; dispatch pairs them by class.
        self._handlers: dict[type[Event], EventsHandler[Any]] = {}
        self._ignored: dict[type[Event], str] = {}

    def add(self, handler: EventsHandler[E], *classes: type[E]) -> EventsHandler[E]:
        """Apply `handler` to the events of `classes` (one batch, in partition order)."""
        if not classes:
            raise SubscriptionError(f"{handler!r} is registered for no event class")
        for cls in classes:
            self._claim(cls)
            self._handlers[cls] = handler
        return handler

    def ignore(self, *classes: type[Event], reason: str) -> None:
        """Events of a consumed topic this service has no use for (acknowledged, not applied)."""
        for cls in classes:
            self._claim(cls)
            self._ignored[cls] = reason

    def _claim(self, cls: type[Event]) -> None:
        if cls in self._handlers or cls in self._ignored:
            raise SubscriptionError(f"{cls.__name__} is registered twice")

    def topics(self) -> list[Topic]:
        """The topics these handlers need, in the registry's order."""
        needed = {topic_of(cls).name for cls in self._handlers}
        return [t for t in TOPICS if t.name in needed]

    def for_topic(self, consumed: Topic) -> BatchHandler:
        """The batch handler of one topic; refuses a topic with an event nobody decided on."""
        undecided = [
            cls.__name__
            for cls in consumed.events
            if cls not in self._handlers and cls not in self._ignored
        ]
        if undecided:
            raise SubscriptionError(
                f"{consumed.name} carries {', '.join(undecided)}: handle or ignore each"
            )
        handlers = self._handlers

        async def dispatch(conn: Connection, events: list[Event]) -> list[Rejection]:
            rejections: list[Rejection] = []
            for handler, run in runs(events, handlers):
                rejections += await handler(conn, run)
            return rejections

        return dispatch


def runs(
    events: Sequence[Event], handlers: dict[type[Event], EventsHandler[Any]]
) -> list[tuple[EventsHandler[Any], list[Event]]]:
    """Consecutive events of the same handler, in order; ignored events are left out."""
    cut: list[tuple[EventsHandler[Any], list[Event]]] = []
    for event in events:
        handler = handlers.get(type(event))
        if handler is None:
            continue
        if cut and cut[-1][0] is handler:
            cut[-1][1].append(event)
        else:
            cut.append((handler, [event]))
    return cut
