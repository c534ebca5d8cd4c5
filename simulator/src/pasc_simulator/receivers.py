"""`python -m pasc_simulator.receivers`: small real HTTP servers standing in for external systems.

The CIOC, one department's one-stop system and the Home Affairs monitoring system, each on
its own port. Each checks a delivery's Standard Webhooks signature (`webhook-id`,
`webhook-timestamp`, `webhook-signature`, with the secret the demo gave the gateway's
connector), answers 401 to a bad or stale one and drops a `webhook-id` it already has (a retry
or a replay: answered 200, applied once). It logs one JSON line per delivery (event id and type,
never the body's personal data) and keeps counts, served at GET /received.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import logging
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

RECEIVERS = {"cioc": 9101, "department-sxd": 9102, "home-affairs": 9103}
log = logging.getLogger("receivers")


def demo_webhook_secret(receiver: str) -> str:
    """The demo's signing secret for a receiver (a Standard Webhooks `whsec_` secret). Derived
    from the receiver's name, so it is public: for the demo on this machine only."""
    raw = hashlib.sha256(f"pasc-demo-receiver:{receiver}".encode()).digest()
    return "whsec_" + base64.b64encode(raw).decode()


class Refused(Exception):
    """A delivery that is not the gateway's (bad signature, stale or missing headers)."""


class Inbox:
    def __init__(self, name: str, secret: str | None = None) -> None:
        self.name = name
        self.webhook = Webhook(secret or demo_webhook_secret(name))
        self.lock = threading.Lock()
        self.by_type: Counter[str] = Counter()
        self.event_ids: set[str] = set()
        self.duplicates = 0
        self.refused = 0
        self.last: dict[str, Any] | None = None

    def take(self, headers: Any, body: bytes) -> bool:
        """Verify and record a delivery; False when it was already here (a retry or a replay).
        Raises Refused when it is not signed with this receiver's secret, or is stale."""
        try:
            self.webhook.verify(body, dict(headers.items()), json_parse=False)
        except (WebhookVerificationError, ValueError, binascii.Error) as exc:
            with self.lock:
                self.refused += 1
            log.warning(json.dumps({"receiver": self.name, "refused": str(exc)}))
            raise Refused(str(exc)) from exc
        event_id = headers.get("webhook-id", "")
        event_type = headers.get("x-pasc-event-type", "unknown")
        payload = json.loads(body) if body else {}
        with self.lock:
            if event_id in self.event_ids:
                self.duplicates += 1
                return False
            self.event_ids.add(event_id)
            self.by_type[event_type] += 1
            if event_type == "kpi.snapshot":
                self.last = payload.get("payload")
        log.info(
            json.dumps({"receiver": self.name, "event_id": event_id, "event_type": event_type})
        )
        return True

    def summary(self) -> dict[str, Any]:
        with self.lock:
            return {
                "receiver": self.name,
                "received": sum(self.by_type.values()),
                "distinct_events": len(self.event_ids),
                "duplicates": self.duplicates,
                "refused": self.refused,
                "by_type": dict(self.by_type),
                "last_kpi_snapshot": self.last,
            }


def serve(
    name: str, port: int, host: str = "127.0.0.1", secret: str | None = None
) -> ThreadingHTTPServer:
    inbox = Inbox(name, secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            try:
                inbox.take(self.headers, self.rfile.read(length))
            except Refused:
                self.send_response(401)
            else:
                self.send_response(204)  # new, or already had: either way the gateway is done
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
