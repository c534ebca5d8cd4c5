"""What travels with every published event, so consumers and operators can route without parsing."""

from __future__ import annotations

from pasc_contracts import TraceContext
from pasc_contracts.events.dossier import DossierReceived
from pasc_runtime.outbox import message_headers


def test_headers_name_the_event_and_carry_the_trace() -> None:
    event = DossierReceived.example().model_copy(
        update={"trace": TraceContext(traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01")}
    )
    headers = message_headers(event)
    assert headers["event_type"] == "dossier.received"
    assert headers["schema_version"] == "1"
    assert headers["event_id"] == str(event.event_id)
    assert headers["traceparent"].startswith("00-aaaa")
