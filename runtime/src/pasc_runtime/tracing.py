"""OpenTelemetry: one trace from a department's HTTP request to the CIOC's delivery.

Spans exist in every process (so logs carry trace ids); they are exported over OTLP/HTTP only
when OTEL_EXPORTER_OTLP_ENDPOINT is set. The W3C trace context crosses the outbox in each
event's `trace` field and in the `traceparent` Kafka header, and crosses HTTP in the
`traceparent` header (FastAPI server spans, httpx client spans).
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, ParentBased
from opentelemetry.trace import SpanContext, Tracer
from opentelemetry.trace import TracerProvider as TracerProviderApi
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from pasc_contracts import Event, TraceContext
from pasc_runtime.settings import ServiceSettings

TRACER = "pasc_runtime"
# Platform endpoints are probed every few seconds: no spans for them.
UNTRACED_PATHS = "/health,/ready,/metrics,/asyncapi"
_PROPAGATOR = TraceContextTextMapPropagator()
E = TypeVar("E", bound=Event)


def configure_tracing(settings: ServiceSettings) -> TracerProviderApi:
    """Install the process's tracer provider (once) and trace outgoing httpx requests."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    otlp = settings.otel_exporter_otlp_endpoint
    provider = TracerProvider(
        # Without an exporter no span is recorded (recording them for nobody cost about a tenth
        # of a consumer's time); trace ids are still made, carried in events and logged.
        sampler=ParentBased(ALWAYS_ON) if otlp else ALWAYS_OFF,
        resource=Resource.create(
            {
                "service.name": settings.service_name,
                "service.namespace": "pasc",
                "service.instance.id": os.environ.get("HOSTNAME") or socket.gethostname(),
            }
        ),
    )
    if otlp:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    return provider


def records(tracer: Tracer) -> bool:
    """Whether this tracer's spans can be recorded: not under the ALWAYS_OFF sampler that
    configure_tracing installs without an exporter (a tracer of another kind: assumed so)."""
    return getattr(tracer, "sampler", None) is not ALWAYS_OFF


def instrument_http(app: Any, tracer_provider: TracerProviderApi) -> Any:
    """A server span per request of the service's own API, joined to the caller's traceparent."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    if _is_fastapi(app):
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=tracer_provider, excluded_urls=UNTRACED_PATHS
        )
        return app
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    return OpenTelemetryMiddleware(
        app, tracer_provider=tracer_provider, excluded_urls=UNTRACED_PATHS
    )


def _is_fastapi(app: Any) -> bool:
    try:
        from fastapi import FastAPI
    except ImportError:  # the runtime does not need FastAPI; services bring it
        return False
    return isinstance(app, FastAPI)


def current_trace() -> TraceContext | None:
    """The active span's W3C context, if any."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    if "traceparent" not in carrier:
        return None
    return TraceContext(traceparent=carrier["traceparent"], tracestate=carrier.get("tracestate"))


def inject_current(headers: dict[str, str]) -> None:
    """Set `traceparent`/`tracestate` in `headers` to the active span (consumers continue it)."""
    _PROPAGATOR.inject(headers)


def with_current_trace(event: E) -> E:
    """The event stamped with the active trace, unless its producer set one."""
    if event.trace is not None:
        return event
    context = current_trace()
    return event if context is None else event.model_copy(update={"trace": context})


def remote_span(headers: Mapping[str, str]) -> SpanContext | None:
    """The producer's span context carried by `traceparent`/`tracestate` headers."""
    span = trace.get_current_span(_PROPAGATOR.extract(headers))
    context = span.get_span_context()
    return context if context.is_valid else None


@contextlib.contextmanager
def continue_trace(carrier: Mapping[str, str] | TraceContext | None) -> Iterator[None]:
    """Run the block as part of the trace in `carrier` (headers or an event's `trace`).

    The outbox relay publishes each event under the trace that staged it; a dispatcher can
    deliver an event under its trace the same way. Without a trace the block starts new ones.
    """
    if isinstance(carrier, TraceContext):
        carrier = carrier.model_dump(exclude_none=True)
    token = otel_context.attach(_PROPAGATOR.extract(carrier or {}))
    try:
        yield
    finally:
        otel_context.detach(token)
