"""One JSON object per log line, so every process's log can be searched the same way.

Each line names the service and, inside a span, its trace_id and span_id (the ids a tracing
backend shows). No personal data: message bodies are never logged, and database error
details (which quote row values) are cut from errors and tracebacks.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

import asyncpg
import faststream  # noqa: F401 - its loggers exist before they are re-routed below
from opentelemetry import trace

# Record attributes FastStream sets on its consume logs (names and ids, never bodies).
_CONTEXT_FIELDS = ("topic", "group_id", "message_id")
# Loggers that print their own (coloured, plain-text) lines unless routed to the root's handler.
_ROUTED = ("faststream", "faststream.access", "faststream.access.kafka", "uvicorn", "uvicorn.error")
_DETAIL = re.compile(r"^(DETAIL|HINT|CONTEXT):.*$", re.MULTILINE)
MAX_ERROR_CHARS = 500


def safe_error(exc: BaseException) -> str:
    """An error for a log line: its type and message, never PostgreSQL's row details."""
    if isinstance(exc, asyncpg.PostgresError):
        return f"{type(exc).__name__} [{exc.sqlstate}]: {exc.args[0] if exc.args else ''}"
    return f"{type(exc).__name__}: {_DETAIL.sub('', str(exc))}"[:MAX_ERROR_CHARS]


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str | None = None) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if self._service:
            entry["service"] = self._service
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = format(span.trace_id, "032x")
            entry["span_id"] = format(span.span_id, "016x")
        for field in _CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value:
                entry[field] = str(value)
        if record.exc_info:
            entry["exc"] = _DETAIL.sub("", self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", service: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in _ROUTED:
        routed = logging.getLogger(name)
        routed.handlers[:] = []
        routed.propagate = True
