"""A real local HTTP server standing in for an external system (the CIOC, a department system...)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """What the stub got: every successful request, in arrival order, and how many it refused."""

    requests: list[tuple[dict[str, str], Any]] = field(default_factory=list)
    refused: int = 0
    fail_first: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[Any]:
        with self.lock:
            return [body for _, body in self.requests]


@contextmanager
def stub_server(fail_first: int = 0) -> Iterator[tuple[str, Received]]:
    received = Received(fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            with received.lock:
                if received.refused < received.fail_first:
                    received.refused += 1
                    status = 503
                else:
                    received.requests.append((dict(self.headers), json.loads(body)))
                    status = 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/events", received
    finally:
        server.shutdown()
        server.server_close()
