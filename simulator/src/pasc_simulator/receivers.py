"""`python -m pasc_simulator.receivers`: small real HTTP servers standing in for external systems.

The CIOC, one department's one-stop system and the Home Affairs monitoring system, each on
its own port. Each logs one JSON line per delivery (event id and type, never the body's
personal data) and keeps counts, served at GET /received.
"""

from __future__ import annotations

import argparse
import json
import logging
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RECEIVERS = {"cioc": 9101, "department-sxd": 9102, "home-affairs": 9103}
log = logging.getLogger("receivers")


class Inbox:
    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.Lock()
        self.by_type: Counter[str] = Counter()
        self.event_ids: set[str] = set()
        self.duplicates = 0
        self.last: dict[str, Any] | None = None

    def take(self, headers: Any, body: bytes) -> None:
        event_id = headers.get("x-pasc-event-id", "")
        event_type = headers.get("x-pasc-event-type", "unknown")
        payload = json.loads(body) if body else {}
        with self.lock:
            if event_id in self.event_ids:
                self.duplicates += 1
            self.event_ids.add(event_id)
            self.by_type[event_type] += 1
            if event_type == "kpi.snapshot":
                self.last = payload.get("payload")
        log.info(
            json.dumps({"receiver": self.name, "event_id": event_id, "event_type": event_type})
        )

    def summary(self) -> dict[str, Any]:
        with self.lock:
            return {
                "receiver": self.name,
                "received": sum(self.by_type.values()),
                "distinct_events": len(self.event_ids),
                "duplicates": self.duplicates,
                "by_type": dict(self.by_type),
                "last_kpi_snapshot": self.last,
            }


def serve(name: str, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    inbox = Inbox(name)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            inbox.take(self.headers, self.rfile.read(length))
            self.send_response(204)
            self.end_headers()

        def do_GET(self) -> None:
            body = json.dumps(inbox.summary(), ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    servers = [serve(name, port, args.host) for name, port in RECEIVERS.items()]
    log.info(
        json.dumps({"listening": {n: f"http://{args.host}:{p}" for n, p in RECEIVERS.items()}})
    )
    threading.Event().wait()
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    main()
