"""The gateway refuses to serve beyond loopback with the repository's development secrets."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from integration_gateway.bootstrap import build_app
from integration_gateway.settings import Settings
from pasc_runtime.app import DevelopmentSecretsError

OWN_DATABASE = "postgresql://gateway:5d0e2b7c1a@db.internal:5432/pasc"
OWN = {
    "database_url": OWN_DATABASE,
    "key_encryption_secret": SecretStr("kek-6f3a0c"),
    "pseudonym_secret": SecretStr("pseudo-2b9e14"),
}


def test_the_defaults_are_development_secrets() -> None:
    assert Settings().development_secrets() == [
        "DATABASE_URL",
        "KEY_ENCRYPTION_SECRET",
        "PSEUDONYM_SECRET",
    ]
    assert Settings.model_validate(OWN).development_secrets() == []
    only_one = {**OWN, "pseudonym_secret": Settings().pseudonym_secret}
    assert Settings.model_validate(only_one).development_secrets() == ["PSEUDONYM_SECRET"]


def test_build_app_refuses_them_beyond_loopback_only() -> None:
    with pytest.raises(DevelopmentSecretsError, match="KEY_ENCRYPTION_SECRET, PSEUDONYM_SECRET"):
        build_app(Settings(http_host="0.0.0.0", database_url=OWN_DATABASE))  # noqa: S104
    build_app(Settings(http_host="127.0.0.1"))  # the local stack
    build_app(Settings.model_validate({**OWN, "http_host": "0.0.0.0"}))  # noqa: S104
