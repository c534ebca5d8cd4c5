"""The gateway's HTTP over TLS, with mutual TLS for department systems: no certificate, no entry."""

from __future__ import annotations

import contextlib
import os
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.processes import LOG_DIR, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "deploy" / "local"))

from tls_certs import Issued, LocalCA

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Issued | Path]:
    ca = LocalCA(tmp_path_factory.mktemp("pki"))
    stranger = LocalCA(tmp_path_factory.mktemp("other-pki"), name="Not the city's CA")
    return {
        "ca": ca.cert_path,
        "server": ca.issue("pasc-gateway", client=False),
        "department": ca.issue("sxd-one-stop-system", server=False),
        "stranger": stranger.issue("someone-else", server=False),
    }


def _context(pki: dict, client: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki["ca"]))
    if client:
        context.load_cert_chain(str(pki[client].cert), str(pki[client].key))
    return context


@pytest.fixture(scope="module")
def gateway_url(pki: dict, kafka_bootstrap: str, database_url: str) -> Iterator[str]:
    suffix = uuid.uuid4().hex[:8]
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / f"integration-gateway-tls-{suffix}.log"
    env = {
        **os.environ,
        "SERVICE_NAME": f"integration-gateway-test-{suffix}",
        "DB_SCHEMA": f"integration_test_{suffix}",
        "HTTP_PORT": str(port),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": database_url,
        "HTTP_SSL_CERTFILE": str(pki["server"].cert),
        "HTTP_SSL_KEYFILE": str(pki["server"].key),
        "HTTP_SSL_CA_CERTS": str(pki["ca"]),
        "HTTP_SSL_CLIENT_CERT": "required",
        "PYTHONUNBUFFERED": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "integration_gateway"], env=env, stdout=out, stderr=out
        )
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                r = httpx.get(f"{url}/health", verify=_context(pki, "department"), timeout=2)
                if r.status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_department_system_with_a_city_certificate_gets_in_and_still_needs_a_key(
    pki: dict, gateway_url: str
) -> None:
    with httpx.Client(base_url=gateway_url, verify=_context(pki, "department")) as client:
        assert client.get("/health").status_code == 200
        no_key = client.post("/v1/dvcqg/DongBoHoSoMC", json={"service": "DongBoHoSoMC"})
    assert no_key.status_code == 401


@pytest.mark.parametrize("client", [None, "stranger"])
def test_without_a_certificate_from_the_citys_ca_the_connection_is_refused(
    pki: dict, gateway_url: str, client: str | None
) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{gateway_url}/health", verify=_context(pki, client), timeout=5)


def test_plain_http_is_not_served(gateway_url: str) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.get(gateway_url.replace("https", "http") + "/health", timeout=5)
