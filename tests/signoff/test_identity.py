"""Which identity a login gives the store: the verified e-mail address, else the provider's subject."""

from __future__ import annotations

import pytest

from pia.errors import PiaError
from pia.signoff.roles import check_identity
from pia.ui.identity import _from_claims


def test_a_verified_email_is_the_identity():
    assert _from_claims({"sub": "8f2c", "email": "alice@example.org", "email_verified": True}) == "alice@example.org"
    assert _from_claims({"sub": "8f2c", "email": "alice@example.org"}) == "alice@example.org"   # not said: trusted


def test_an_email_the_provider_calls_unverified_is_not_used():
    assert _from_claims({"sub": "8f2c", "email": "ceo@example.org", "email_verified": False}) == "8f2c"


def test_a_login_without_email_or_subject_is_refused_by_the_store():
    with pytest.raises(PiaError, match="not a usable identity"):
        check_identity(_from_claims({"name": "Nobody"}))
    with pytest.raises(PiaError, match="reserved for single-user mode"):
        check_identity(_from_claims({"sub": "local"}))
