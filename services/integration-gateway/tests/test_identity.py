"""Keys are random and checked in constant time; signatures bind timestamp, message id and body."""

from __future__ import annotations

from integration_gateway.domain.identity import (
    issue_key,
    key_id_of,
    key_matches,
    pseudonym,
    sign,
    signature_matches,
)


def test_an_issued_key_matches_its_hash_and_names_its_id() -> None:
    issued = issue_key()
    assert key_id_of(issued.secret_key) == issued.key_id
    assert key_matches(issued.secret_key, issued.key_hash)
    assert not key_matches(issued.secret_key + "x", issued.key_hash)
    assert issued.secret_key not in issued.key_hash


def test_malformed_keys_have_no_id() -> None:
    assert key_id_of("") is None
    assert key_id_of("Bearer abc") is None
    assert key_id_of("pasc__x") is None


def test_a_signature_covers_body_timestamp_and_message_id() -> None:
    key = issue_key().secret_key
    good = sign(key, "1700000000", "m-1", b"{}")
    assert signature_matches(key, "1700000000", "m-1", b"{}", good)
    assert not signature_matches(key, "1700000001", "m-1", b"{}", good)
    assert not signature_matches(key, "1700000000", "m-2", b"{}", good)
    assert not signature_matches(key, "1700000000", "m-1", b"{ }", good)
    assert not signature_matches(issue_key().secret_key, "1700000000", "m-1", b"{}", good)


def test_pseudonyms_are_stable_and_do_not_reveal_the_id_number() -> None:
    a = pseudonym("secret", "092 123 456 789")
    assert a == pseudonym("secret", "092123456789")
    assert a != pseudonym("other-secret", "092123456789")
    assert "092123456789" not in (a or "")
    assert pseudonym("secret", None) is None
