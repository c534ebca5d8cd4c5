"""Kafka client security from the settings, HTTPS/mutual-TLS options, and slow clients refused."""

from __future__ import annotations

import asyncio
import socket
import ssl
import time

import pytest
import uvicorn
from faststream.security import SASLScram512
from pydantic import SecretStr

from pasc_runtime.kafka import broker_security, client_options
from pasc_runtime.serve import HeaderTimeoutProtocol, http_options
from pasc_runtime.settings import KafkaSecuritySettings, ServiceSettings


class DemoSettings(ServiceSettings):
    service_name: str = "demo"
    db_schema: str = "demo"
    http_port: int = 8999


def test_plaintext_by_default() -> None:
    settings = DemoSettings()
    assert broker_security(settings) is None
    assert client_options(settings) == {}


def test_sasl_ssl_scram_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "integration-gateway")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret-pw")
    settings = DemoSettings()
    assert "s3cret-pw" not in repr(settings)
    security = broker_security(settings)
    assert isinstance(security, SASLScram512)
    assert security.use_ssl
    assert security.ssl_context is not None
    options = client_options(settings)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_password"] == "s3cret-pw"
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED


def test_sasl_without_credentials_is_refused_at_start() -> None:
    settings = KafkaSecuritySettings(kafka_security_protocol="SASL_PLAINTEXT")
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        broker_security(settings)
    with pytest.raises(ValueError, match="KAFKA_SASL_USERNAME"):
        client_options(settings)
    ok = KafkaSecuritySettings(
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="u",
        kafka_sasl_password=SecretStr("p"),
    )
    assert "ssl_context" not in client_options(ok)


def test_https_and_mutual_tls_options() -> None:
    plain = http_options(DemoSettings())
    assert "ssl_certfile" not in plain
    assert issubclass(plain["http"], HeaderTimeoutProtocol)
    mtls = http_options(
        DemoSettings(
            http_ssl_certfile="/c.pem",
            http_ssl_keyfile="/k.pem",
            http_ssl_ca_certs="/ca.pem",
            http_ssl_client_cert="required",
        )
    )
    assert mtls["ssl_cert_reqs"] == ssl.CERT_REQUIRED
    assert mtls["ssl_ca_certs"] == "/ca.pem"
    with pytest.raises(ValueError, match="HTTP_SSL_CERTFILE"):
        http_options(DemoSettings(http_ssl_client_cert="required"))
    with pytest.raises(ValueError, match="HTTP_SSL_CA_CERTS"):
        http_options(DemoSettings(http_ssl_certfile="/c.pem", http_ssl_client_cert="optional"))


async def _hello(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _exchange(port: int, chunks: list[bytes], pause: float, answers: int) -> tuple[bytes, float]:
    """Send `chunks` with a pause between them; read until `answers` responses or the close."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except OSError:
                break
            time.sleep(pause)
        received = b""
        while True:
            try:
                data = sock.recv(4096)
            except OSError:
                break
            if not data:
                break
            received += data
            if received.count(b"HTTP/1.1 ") >= answers and received.endswith((b"ok", b"\r\n")):
                break
    return received, time.monotonic() - started


async def test_a_client_trickling_its_headers_gets_408_and_a_prompt_one_is_served() -> None:
    port = _free_port()
    settings = DemoSettings(http_header_timeout_s=0.5, http_port=port)
    config = uvicorn.Config(
        _hello, host="127.0.0.1", port=port, log_config=None, **http_options(settings)
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn has no started event to await)
        await asyncio.sleep(0.05)
    try:
        slow = [bytes([b]) for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaa\r\n"]
        got, took = await asyncio.to_thread(_exchange, port, slow, 0.05, 1)
        assert got.startswith(b"HTTP/1.1 408")
        assert took < 2.5
        # a prompt client, with a second request on the kept-alive connection: both answered
        fast = [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"]
        got, _ = await asyncio.to_thread(_exchange, port, fast, 0.2, 2)
        assert got.count(b"HTTP/1.1 200") == 2, got
    finally:
        server.should_exit = True
        await task
