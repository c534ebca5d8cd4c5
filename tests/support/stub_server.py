"""A real local HTTP server standing in for an external system (the CIOC, a department system...)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    """What the stub got: every successful request, in arrival order, and how many it refused."""

    requests: list[tuple[dict[str, str], Any]] = field(default_factory=list)
    refused: int = 0
    fail_first: int = 0
    event_ids: Counter[str] = field(default_factory=Counter)  # X-PASC-Event-Id of each success
    lock: threading.Lock = field(default_factory=threading.Lock)
    webhook: Webhook | None = None  # when set, requests must carry a valid signature
    bad_signatures: list[str] = field(default_factory=list)  # why each unsigned one was refused

    def bodies(self) -> list[Any]:
        with self.lock:
            return [body for _, body in self.requests]

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(self.event_ids)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # a dispatcher sends many at once; the default 5 resets some
    daemon_threads = True


class StubServer:
    """The stub as an object: `down()` closes its port (connections refused, as when a system
    is off), `up()` opens the same port again."""

    def __init__(self, fail_first: int = 0, webhook_secret: str | None = None) -> None:
        webhook = Webhook(webhook_secret) if webhook_secret else None
        self.received = Received(fail_first=fail_first, webhook=webhook)
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/events"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                verified = True
                if received.webhook is not None:
                    try:
                        received.webhook.verify(body, dict(self.headers.items()), json_parse=False)
                    except (WebhookVerificationError, ValueError) as exc:
                        verified = False
                        with received.lock:
                            received.bad_signatures.append(str(exc))
                with received.lock:
                    if not verified:
                        status = 401
                    elif received.refused < received.fail_first:
                        received.refused += 1
                        status = 503
                    else:
                        received.requests.append((dict(self.headers), json.loads(body)))
                        event_id = self.headers.get("x-pasc-event-id")
                        if event_id:
                            received.event_ids[event_id] += 1
                        status = 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        return Handler

    def up(self) -> None:
        if self._server is not None:
            return
        self._server = _Server(("127.0.0.1", self.port), self._handler())
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def down(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    @property
    def is_up(self) -> bool:
        return self._server is not None


@contextmanager
def stub_server(
    fail_first: int = 0, webhook_secret: str | None = None
) -> Iterator[tuple[str, Received]]:
    """`webhook_secret`: the stub verifies Standard Webhooks signatures (401 when wrong)."""
    stub = StubServer(fail_first, webhook_secret)
    stub.up()
    try:
        yield stub.url, stub.received
    finally:
        stub.down()
