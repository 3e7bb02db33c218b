"""The municipality's Ed25519 key: make a pair, sign a decision record, check a signature.

What is signed is the canonical JSON of the decision record (keys sorted, no
spaces, UTF-8): the answers, the questionnaire's SHA-256, the engine version,
the outcome, who decided, when, and what they attested or why they rejected.
The signature and the record travel together as one small JSON "envelope" in
the Word report (beside the embedded answers) and in the JSON report.

A signature shows that whoever holds the private key signed exactly these
bytes. It does not show who pressed the button (that is the login's and the
audit log's job), nor that the visible text of a Word file matches the
answers (only the answers and the record are signed).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import PiaError

ALGORITHM = "Ed25519"
ENVELOPE_FORMAT = "pia-signed-decision"
MAX_KEY_BYTES = 16 * 1024
KEY_ENV = "PIA_SIGNING_KEY"


def canonical(obj: Any) -> bytes:
    """The one byte form that is signed and hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def key_id(public: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: short enough to read aloud, unique in practice."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def keygen(private_path: Path, public_path: Path) -> str:
    """Write a new key pair (private key 0600, never over an existing file); return the key id."""
    for p in (private_path, public_path):
        if p.exists() or p.is_symlink():
            raise PiaError(f"{p}: already exists; pia never overwrites a key (move it away first)")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    _write_new(private_path, private_pem, 0o600)
    try:
        _write_new(public_path, public_pem, 0o644)
    except PiaError:
        private_path.unlink()
        raise
    return key_id(key.public_key())


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    except FileExistsError:
        raise PiaError(f"{path}: already exists; pia never overwrites a key (move it away first)") from None
    except OSError as exc:
        raise PiaError(f"{path}: cannot write the key: {exc.strerror}") from exc
    try:
        os.fchmod(fd, mode)          # whatever the umask
        os.write(fd, data)
    finally:
        os.close(fd)


def _read_key_file(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_KEY_BYTES + 1)
    except OSError as exc:
        raise PiaError(f"{path}: cannot read the key: {exc.strerror}") from exc
    if len(data) > MAX_KEY_BYTES:
        raise PiaError(f"{path}: too large to be a key file")
    return data


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    path = Path(path)
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise PiaError(f"{path}: not an unencrypted PEM private key made by `pia keygen`") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise PiaError(f"{path}: not an Ed25519 key (pia signs with Ed25519 only)")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    path = Path(path)
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        hint = " (this looks like the private key; give the .pub file)" if b"PRIVATE KEY" in data else ""
        raise PiaError(f"{path}: not a PEM public key{hint}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise PiaError(f"{path}: not an Ed25519 public key")
    return key


def key_from_env() -> Ed25519PrivateKey | None:
    """The signing key named by PIA_SIGNING_KEY (a file path), or None when it is not set."""
    path = os.environ.get(KEY_ENV)
    return load_private_key(path) if path else None


def sign(record: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The envelope: the record, its signature and the key id."""
    return {
        "format": ENVELOPE_FORMAT,
        "algorithm": ALGORITHM,
        "key_id": key_id(key.public_key()),
        "record": record,
        "signature": base64.b64encode(key.sign(canonical(record))).decode("ascii"),
    }


@dataclass(frozen=True)
class Checked:
    """The outcome of checking an envelope's signature (not yet what it says)."""

    valid: bool
    reason: str          # why it is not valid ("" when it is)
    key_id: str          # the id the envelope names
    record: dict[str, Any]


def check(envelope: Any, public: Ed25519PublicKey) -> Checked:
    """Is the envelope well-formed, made with this key, and unaltered?"""
    if not isinstance(envelope, dict) or envelope.get("format") != ENVELOPE_FORMAT:
        return Checked(False, "the signature block is not pia's", "", {})
    record = envelope.get("record")
    named = str(envelope.get("key_id") or "")
    if not isinstance(record, dict):
        return Checked(False, "the signature block holds no record", named, {})
    if envelope.get("algorithm") != ALGORITHM:
        return Checked(False, f"unknown signature algorithm {envelope.get('algorithm')!r}", named, record)
    if named != key_id(public):
        return Checked(False, f"signed with another key (key id {named[:16]}, not {key_id(public)[:16]})",
                       named, record)
    try:
        sig = base64.b64decode(str(envelope.get("signature") or ""), validate=True)
        public.verify(sig, canonical(record))
    except (ValueError, InvalidSignature):
        return Checked(False, "the signature does not match the signed record (the record was altered)",
                       named, record)
    return Checked(True, "", named, record)


def parse_envelope(text: str, source: str) -> dict[str, Any]:
    try:
        env = json.loads(text)
    except ValueError as exc:
        raise PiaError(f"{source}: the signature block is damaged (not JSON)") from exc
    if not isinstance(env, dict):
        raise PiaError(f"{source}: the signature block is damaged (not a JSON object)")
    return env
