"""Sealed secrets survive a rotation of KEY_ENCRYPTION_SECRET (MultiFernet)."""

from __future__ import annotations

import pytest

from integration_gateway.adapters.key_vault import InvalidToken, KeyVault, secrets_of


def test_a_value_sealed_with_the_old_secret_opens_after_rotation_and_reseals() -> None:
    old = KeyVault("old-secret")
    sealed = old.seal("pasc_sk_123")
    rotated = KeyVault("new-secret, old-secret")
    assert rotated.open(sealed) == "pasc_sk_123"
    resealed = rotated.reseal(sealed)
    assert resealed != sealed
    # Once resealed, the old secret can go.
    assert KeyVault("new-secret").open(resealed) == "pasc_sk_123"
    with pytest.raises(InvalidToken):
        old.open(resealed)
    with pytest.raises(InvalidToken):
        KeyVault("new-secret").open(sealed)


def test_new_values_are_sealed_with_the_newest_secret() -> None:
    sealed = KeyVault("new-secret,old-secret").seal("whsec_abc")
    assert KeyVault("new-secret").open(sealed) == "whsec_abc"


def test_a_single_secret_seals_as_before() -> None:
    # The derivation is unchanged: values sealed before MultiFernet still open.
    assert KeyVault("s").open(KeyVault("s").seal("k")) == "k"
    assert secrets_of(" a , b ,") == ["a", "b"]
    with pytest.raises(ValueError, match="no secret"):
        KeyVault(" , ")
