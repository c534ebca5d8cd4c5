"""Run a service's ASGI app with uvicorn: `python -m <service>` calls `serve(build_app, Settings())`."""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from pasc_runtime.app import DevelopmentSecretsError
from pasc_runtime.logs import configure_logging
from pasc_runtime.settings import ServiceSettings
from pasc_runtime.tracing import configure_tracing

CLIENT_CERT = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL, "required": ssl.CERT_REQUIRED}
REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 38\r\n\r\nrequest headers not received in time\r\n"
)


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request's headers.

    uvicorn times out idle keep-alive connections, but not a client that trickles its headers
    a byte at a time (slowloris): such a connection would be held forever. Here it gets 408
    and is closed when its headers are not complete `header_timeout_s` after it started.
    """

    header_timeout_s = 10.0
    _deadline: asyncio.TimerHandle | None = None
    _waiting_after: Any = None  # the request cycle before the one whose headers are awaited

    # as uvicorn does: asyncio.Protocol takes a BaseTransport, a stream server gives a Transport
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._waiting_after = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not self._waiting_after:  # the request's headers have arrived
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._disarm()
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _headers_too_slow(self) -> None:
        self._deadline = None
        in_flight = self.cycle is not None and not self.cycle.response_complete
        if not in_flight and not self.transport.is_closing():
            self.transport.write(REQUEST_TIMEOUT)
            self.transport.close()


def http_options(settings: ServiceSettings) -> dict[str, Any]:
    """uvicorn's TLS (and mutual TLS) and slow-client options for the settings."""
    protocol = type(
        "GuardedH11Protocol",
        (HeaderTimeoutProtocol,),
        {"header_timeout_s": settings.http_header_timeout_s},
    )
    trusted = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    options: dict[str, Any] = {
        "http": protocol,
        "timeout_keep_alive": settings.http_keep_alive_s,
        "limit_concurrency": settings.http_limit_concurrency,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 by default, so a proxy on the same
        # host (or a client talking to the port directly) could claim any address, loopback
        # included. Only the proxies named in TRUSTED_PROXIES are believed.
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted,
    }
    if settings.http_ssl_certfile:
        options |= {
            "ssl_certfile": settings.http_ssl_certfile,
            "ssl_keyfile": settings.http_ssl_keyfile,
            "ssl_ca_certs": settings.http_ssl_ca_certs,
            "ssl_cert_reqs": CLIENT_CERT[settings.http_ssl_client_cert],
        }
    elif settings.http_ssl_client_cert != "none":
        raise ValueError("HTTP_SSL_CLIENT_CERT needs HTTP_SSL_CERTFILE (mutual TLS is TLS)")
    if settings.http_ssl_client_cert != "none" and not settings.http_ssl_ca_certs:
        raise ValueError("HTTP_SSL_CLIENT_CERT needs HTTP_SSL_CA_CERTS (the clients' CA)")
    return options


def serve(build_app: Callable[[Any], Any], settings: ServiceSettings) -> None:
    configure_logging(settings.log_level, settings.service_name)
    configure_tracing(settings)
    try:
        app = build_app(settings)
    except DevelopmentSecretsError as exc:
        logging.getLogger(__name__).critical("%s", exc)
        sys.exit(2)
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=30,
        **http_options(settings),
    )
