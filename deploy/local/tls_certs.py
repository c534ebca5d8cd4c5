"""A throwaway certificate authority for the local stack and tests: never for production.

Production certificates come from the city's PKI (see deploy/kafka/README-security.md). Here a
CA, server certificates (for 127.0.0.1/localhost) and client certificates (mutual TLS) are
made in a directory with `cryptography`, as PEM files Kafka, uvicorn and Python's ssl read.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCAL_NAMES = ("localhost",)
LOCAL_IPS = ("127.0.0.1",)


@dataclass(frozen=True)
class Issued:
    cert: Path  # the certificate followed by the CA's (a chain)
    key: Path  # PKCS#8, unencrypted
    bundle: Path  # key and chain in one file (Kafka's PEM keystore)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> bytes:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return pem


class LocalCA:
    def __init__(self, directory: Path, name: str = "PASC local test CA") -> None:
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.cert_path = self.dir / "ca.pem"
        self._key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        self._cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self._key, hashes.SHA256())
        )
        self.cert_path.write_bytes(self._cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, common_name: str, *, server: bool = True, client: bool = True) -> Issued:
        """A certificate for `common_name`; server certificates name 127.0.0.1 and localhost."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        usages = [ExtendedKeyUsageOID.SERVER_AUTH] if server else []
        usages += [ExtendedKeyUsageOID.CLIENT_AUTH] if client else []
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self._cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        )
        if server:
            alt_names: list[x509.GeneralName] = [x509.DNSName(n) for n in LOCAL_NAMES]
            alt_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in LOCAL_IPS]
            builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        cert = builder.sign(self._key, hashes.SHA256())
        stem = self.dir / common_name.replace(" ", "_")
        chain = cert.public_bytes(serialization.Encoding.PEM) + self._cert.public_bytes(
            serialization.Encoding.PEM
        )
        cert_path, key_path = stem.with_suffix(".crt.pem"), stem.with_suffix(".key.pem")
        bundle = stem.with_suffix(".bundle.pem")
        cert_path.write_bytes(chain)
        key_pem = _write_key(key_path, key)
        bundle.write_bytes(key_pem + chain)
        bundle.chmod(0o600)
        return Issued(cert=cert_path, key=key_path, bundle=bundle)
