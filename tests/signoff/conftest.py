"""Stores for the sign-off tests: real SQLite, and real PostgreSQL when PIA_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pia.answers import AnswerSet, load
from pia.store import Store
from tests.test_store import Clock, _postgres_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="session")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path, signing_key):
    """A single-user store (the app's mode without login) holding the municipality's signing key."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'drafts.db'}", clock=Clock(), signing_key=signing_key)
        yield s
        s.dispose()
        return
    for s in _postgres_store():
        s.signing_key = signing_key
        yield s


@pytest.fixture
def complete(mini) -> AnswerSet:
    return load(FIXTURES / "mini" / "answers_complete.yaml")[0]
