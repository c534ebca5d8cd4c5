"""Deliveries are signed the Standard Webhooks way: id.timestamp.body, HMAC-SHA256, whsec_ key."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from integration_gateway.domain.delivery import is_webhook_secret, webhook_headers

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
BODY = '{"event_id": "e1", "payload": {"tên": "Sở Xây dựng"}}'.encode()


def test_the_signature_is_hmac_sha256_over_id_timestamp_body() -> None:
    at = datetime(2026, 11, 30, 4, 0, 0, tzinfo=UTC)
    headers = webhook_headers(SECRET, "e1", BODY, at)
    assert headers["webhook-id"] == "e1"
    assert headers["webhook-timestamp"] == str(int(at.timestamp()))
    signed = b"e1." + headers["webhook-timestamp"].encode() + b"." + BODY
    expected = hmac.new(bytes(range(32)), signed, hashlib.sha256).digest()
    assert headers["webhook-signature"] == "v1," + base64.b64encode(expected).decode()


def test_a_receiver_with_the_library_accepts_it_and_refuses_changes_and_old_ones() -> None:
    receiver = Webhook(SECRET)
    now = datetime.now(UTC)
    headers = webhook_headers(SECRET, "e1", BODY, now)
    assert receiver.verify(BODY, headers)["event_id"] == "e1"
    with pytest.raises(WebhookVerificationError):
        receiver.verify(BODY.replace(b"e1", b"e2"), headers)
    with pytest.raises(WebhookVerificationError):
        receiver.verify(BODY, {**headers, "webhook-id": "e2"})  # id is signed too
    with pytest.raises(WebhookVerificationError, match="too old"):
        receiver.verify(BODY, webhook_headers(SECRET, "e1", BODY, now - timedelta(minutes=6)))
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(BODY, headers)


def test_a_local_time_is_signed_as_the_same_instant() -> None:
    at = datetime(2026, 11, 30, 11, 0, 0, tzinfo=UTC).astimezone(datetime.now().astimezone().tzinfo)
    assert webhook_headers(SECRET, "e", BODY, at) == webhook_headers(
        SECRET, "e", BODY, at.astimezone(UTC)
    )


@pytest.mark.parametrize(
    ("secret", "valid"),
    [
        (SECRET, True),
        ("whsec_" + base64.b64encode(b"k" * 24).decode(), True),
        ("whsec_" + base64.b64encode(b"k" * 23).decode(), False),  # too short
        ("whsec_" + base64.b64encode(b"k" * 65).decode(), False),
        ("shared-secret", False),  # the old free-form secrets
        ("whsec_not base64!", False),
        (base64.b64encode(b"k" * 32).decode(), False),  # no prefix
    ],
)
def test_connector_secrets_must_be_standard_webhooks_secrets(secret: str, valid: bool) -> None:
    assert is_webhook_secret(secret) is valid
