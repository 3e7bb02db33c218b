"""pia keygen and the signature envelope: private key 0600, never overwritten, clear refusals."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from pia.cli import main as cli
from pia.errors import PiaError
from pia.signoff import signing


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path, umask):
    old = os.umask(umask)
    try:
        result = CliRunner().invoke(cli, ["keygen", str(tmp_path / "city.key")])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "city.key").stat().st_mode) == 0o600
    private = signing.load_private_key(tmp_path / "city.key")
    public = signing.load_public_key(tmp_path / "city.key.pub")
    assert f"key id {signing.key_id(public)}" in result.output
    env = signing.sign({"x": 1}, private)
    assert signing.check(env, public).valid


def test_keygen_refuses_to_overwrite_either_file(tmp_path):
    (tmp_path / "city.key.pub").write_text("keep me")
    result = CliRunner().invoke(cli, ["keygen", str(tmp_path / "city.key")])
    assert result.exit_code == 2 and "already exists; pia never overwrites a key" in result.output
    assert not (tmp_path / "city.key").exists() and (tmp_path / "city.key.pub").read_text() == "keep me"
    (tmp_path / "b.key").write_text("old secret")
    assert CliRunner().invoke(cli, ["keygen", str(tmp_path / "b.key")]).exit_code == 2
    assert (tmp_path / "b.key").read_text() == "old secret"


def test_bad_key_files_are_one_line_refusals(tmp_path):
    signing.keygen(tmp_path / "k", tmp_path / "k.pub")
    with pytest.raises(PiaError, match="looks like the private key; give the .pub file"):
        signing.load_public_key(tmp_path / "k")
    (tmp_path / "junk").write_text("not a key")
    with pytest.raises(PiaError, match="not an unencrypted PEM private key"):
        signing.load_private_key(tmp_path / "junk")
    with pytest.raises(PiaError, match="cannot read the key"):
        signing.load_public_key(tmp_path / "missing.pub")


def test_envelope_checks_name_what_is_wrong():
    key = signing.Ed25519PrivateKey.generate()
    env = signing.sign({"outcome": "revise", "answers": {"a": 1}}, key)
    assert signing.check(env, key.public_key()).valid
    altered = {**env, "record": {**env["record"], "outcome": "proceed"}}
    assert "record was altered" in signing.check(altered, key.public_key()).reason
    assert "another key" in signing.check(env, signing.Ed25519PrivateKey.generate().public_key()).reason
    assert "not pia's" in signing.check({"format": "x"}, key.public_key()).reason
    assert signing.canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_approval_without_a_signing_key_is_refused(tmp_path, mini):
    from pia.answers import load
    from pia.assess import assess
    from pia.signoff.records import ATTESTATIONS
    from pia.store import Store
    from tests.signoff.conftest import FIXTURES

    answers = load(FIXTURES / "mini" / "answers_complete.yaml")[0]
    s = Store(f"sqlite:///{tmp_path / 'd.db'}")
    d = s.create(answers, q=mini).id
    with pytest.raises(PiaError, match="approval needs the municipality's signing key: set PIA_SIGNING_KEY"):
        s.approve(d, mini, assess(mini, answers), list(ATTESTATIONS))
    s.reject(d, mini, assess(mini, answers), "Not yet")          # a rejection is recorded, unsigned
    assert s.signoff_state(d).status == "rejected" and s.signed_decision(d) is None
    s.dispose()


def test_damaged_or_foreign_signature_blocks_are_clear(tmp_path, mini):
    """A garbled signature attribute in a .docx, or a foreign block in JSON, is named, never a traceback."""
    import json

    from pia.answers import load
    from pia.embedded import read_embedded
    from pia.report import render
    from pia.signoff.verify import verify_report
    from tests.signoff.conftest import FIXTURES
    from tests.signoff.test_flow import edit_docx_answer, edit_part

    answers = load(FIXTURES / "mini" / "answers_complete.yaml")[0]
    key = signing.Ed25519PrivateKey.generate()
    docx = render(mini, answers, "docx", generated="2026-12-02", signoff='{"format": "pia-signed-decision"}')
    assert read_embedded(docx).signoff == '{"format": "pia-signed-decision"}'
    garbled = edit_part(docx, lambda root: root.set("signoff", "!!" + root.get("signoff")))
    with pytest.raises(PiaError, match="the embedded signature is damaged"):
        read_embedded(garbled)
    (tmp_path / "r.docx").write_bytes(edit_docx_answer(docx, "camera_count: 120", "camera_count: 121"))
    v = verify_report(tmp_path / "r.docx", key.public_key())
    assert not v.ok and "SIGNATURE INVALID: the signature block holds no record" in v.lines()[0]
    doc = json.loads(render(mini, answers, "json", generated="2026-12-02"))
    doc["signoff"] = {"format": "someone-else"}
    (tmp_path / "r.json").write_text(json.dumps(doc))
    assert "not pia's" in verify_report(tmp_path / "r.json", key.public_key()).lines()[0]
    (tmp_path / "x.json").write_text("[1, 2]")
    with pytest.raises(PiaError, match="not a JSON report made by pia"):
        verify_report(tmp_path / "x.json", key.public_key())
