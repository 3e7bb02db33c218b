"""The answers file travels inside the Word report, as a custom XML part.

Custom XML data parts are the standard OOXML place for an application's own
data: Word and LibreOffice keep them when a user edits and re-saves the
report, so a returned report can be loaded again (`pia validate report.docx`,
the app's upload). The YAML is stored base64-encoded, so no character in an
answer can break the XML, together with its SHA-256 and the digest of the
questionnaire that produced the report (see pia.fingerprint).

What the SHA-256 shows, and what it does not: it is unkeyed, so it catches
answers changed without updating it (accidental damage, a naive edit), and
then the report is refused as "answers altered after the report was made".
Someone who edits the answers *and* recomputes the hash is not caught by it;
a signed decision is what catches that: a report of an approved assessment
carries, in the same part, the approver's decision record signed with the
municipality's Ed25519 key (pia.signoff.signing), and `pia verify` compares the
embedded answers with the signed ones. A report without the hash, or with two
answers parts, is refused, so those edits at least cannot pass silently.

A .docx is a zip, and a zip can be hostile: thousands of entries with one
name pointing at one deflate stream ("overlapping entries") cost minutes of
CPU each. Before anything is decompressed the directory is checked (entry
count, duplicate names, overlapping entries, declared sizes), pia's part is
found through the main document's relationships instead of by scanning, and
every read is bounded.
"""

from __future__ import annotations

import base64
import hashlib
import io
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from .errors import PiaError, Problem
from .safefile import read_regular
from .yamlio import MAX_ANSWERS_BYTES

NAMESPACE = "urn:pia:answers:1"
RT_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
RT_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_RELS_BYTES = 1024 * 1024
MAX_ENTRIES = 1000                     # a pia report has about 20; Word re-saves add a few dozen
MAX_DECLARED_BYTES = 256 * 1024 * 1024  # sum of every entry's declared uncompressed size
MAX_READ_BYTES = 32 * 1024 * 1024       # what this module actually inflates, at most, per document
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # 30 bytes; filename and extra lengths are the last two fields
_LOCAL_MAGIC = b"PK\x03\x04"
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError, RuntimeError)


@dataclass(frozen=True)
class Embedded:
    """What a report carries about its own making."""

    answers: str                 # the answers file, as YAML text
    questionnaire_sha256: str    # digest of the questionnaire that produced the report ("" if not recorded)
    signoff: str = ""            # the signed decision envelope (JSON text), "" when the report is not signed
    hash_ok: bool = True         # False only when read with check_hash=False and the SHA-256 does not match


def answers_part_xml(answers_yaml: str, questionnaire_sha256: str = "", signoff: str = "") -> bytes:
    """The custom XML part holding the answers file (and, for an approved assessment, the signed decision)."""
    raw = answers_yaml.encode("utf-8")
    root = etree.Element(f"{{{NAMESPACE}}}answers", nsmap={"pia": NAMESPACE})
    root.set("encoding", "base64")
    root.set("media-type", "application/yaml")
    root.set("sha256", hashlib.sha256(raw).hexdigest())
    if questionnaire_sha256:
        root.set("questionnaire-sha256", questionnaire_sha256)
    if signoff:
        root.set("signoff", base64.b64encode(signoff.encode("utf-8")).decode("ascii"))
    root.text = base64.b64encode(raw).decode("ascii")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def embed(document: object, answers_yaml: str, questionnaire_sha256: str = "", signoff: str = "") -> None:
    """Attach the answers to a python-docx Document (replacing any earlier copy)."""
    # Lazy: python-docx is needed only to write a report; reading one (pia.intake) needs zipfile and lxml.
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = document.part  # type: ignore[attr-defined]
    for rid, rel in list(part.rels.items()):
        if rel.reltype == RT_CUSTOM_XML and not rel.is_external and _is_ours(rel.target_part.blob):
            del part.rels[rid]
    used = {str(p.partname) for p in part.package.iter_parts()}
    n = 1
    while f"/customXml/item{n}.xml" in used:
        n += 1
    blob = answers_part_xml(answers_yaml, questionnaire_sha256, signoff)
    new = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", blob, part.package)
    part.relate_to(new, RT_CUSTOM_XML)


def _is_ours(blob: bytes) -> bool:
    return NAMESPACE.encode() in blob[:400]


def _problem(name: str, message: str) -> PiaError:
    return PiaError(Problem(name, 0, 0, "", message))


def answers_from_docx(source: str | Path | bytes | IO[bytes]) -> str:
    """The answers file embedded in a report made by `pia report`, as YAML text."""
    return read_embedded(source).answers


def read_embedded(source: str | Path | bytes | IO[bytes], name: str | None = None,
                  check_hash: bool = True) -> Embedded:
    """The answers (and questionnaire digest) a report carries; PiaError if the package is unsafe or altered.

    `check_hash=False` returns answers whose recorded SHA-256 does not match (with hash_ok False)
    instead of refusing them: `pia verify` reports that as an alteration, with what changed.
    """
    name = name or (str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "<upload>"))
    if isinstance(source, (str, Path)):
        data = read_regular(Path(source), MAX_ANSWERS_BYTES)
    else:
        data = source if isinstance(source, bytes) else source.read(MAX_ANSWERS_BYTES + 1)
        if len(data) > MAX_ANSWERS_BYTES:
            raise _problem(name, f"file is larger than the limit of {MAX_ANSWERS_BYTES:,} bytes")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _problem(name, "not a Word (.docx) document") from exc
    except _READ_ERRORS as exc:  # a damaged zip directory
        raise _problem(name, "the document is damaged (its zip directory cannot be read)") from exc
    with zf:
        _check_directory(zf, data, name)
        budget = _Budget(MAX_READ_BYTES)
        ours = []
        for member in _custom_xml_parts(zf, name, budget):
            blob = _read(zf, member, MAX_PART_BYTES, name, budget)
            if _is_ours(blob):
                ours.append(blob)
    if not ours:
        raise _problem(name, "no answers are embedded in this document (was it made by `pia report`?)")
    if len(ours) > 1:
        raise _problem(name, f"the document holds {len(ours)} answers parts; a report made by pia holds one, "
                             "so this one was altered; refused")
    return _decode(ours[0], name, check_hash)


def _check_directory(zf: zipfile.ZipFile, data: bytes, name: str) -> None:
    """Refuse a zip built to make decompression expensive, before inflating a byte."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _problem(name, f"the document has {len(infos):,} zip entries (at most {MAX_ENTRIES:,}); refused")
    names = set()
    for info in infos:
        if info.filename in names:
            raise _problem(name, f"the zip entry {info.filename!r} appears twice; refused")
        names.add(info.filename)
    declared = sum(i.file_size for i in infos)
    if declared > MAX_DECLARED_BYTES:
        raise _problem(name, f"the document declares {declared:,} bytes uncompressed "
                             f"(at most {MAX_DECLARED_BYTES:,}); refused")
    spans = []
    for info in infos:
        start = info.header_offset
        header = data[start:start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
            raise _problem(name, f"the document is damaged (zip entry {info.filename!r} has no local header)")
        fields = _LOCAL_HEADER.unpack(header)
        end = start + _LOCAL_HEADER.size + fields[-2] + fields[-1] + info.compress_size
        if end > len(data):
            raise _problem(name, f"the document is damaged (zip entry {info.filename!r} runs past the end)")
        spans.append((start, end, info.filename))
    spans.sort()
    for (_, end, first), (start, _, second) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise _problem(name, f"the zip entries {first!r} and {second!r} overlap (a zip bomb?); refused")


class _Budget:
    """Bytes this document may still inflate, across every part read."""

    def __init__(self, total: int) -> None:
        self.left = total

    def take(self, n: int, name: str) -> None:
        self.left -= n
        if self.left < 0:
            raise _problem(name, f"the document inflates to more than {MAX_READ_BYTES:,} bytes; refused")


def _read(zf: zipfile.ZipFile, member: str, limit: int, name: str, budget: _Budget) -> bytes:
    """A member's bytes, inflated in chunks and never beyond `limit` or the budget."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise _problem(name, f"the document is damaged (part {member} is listed but missing)") from None
    if info.file_size > limit:
        raise _problem(name, f"part {member} is {info.file_size:,} bytes (at most {limit:,}); refused")
    out, total = [], 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(64 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                budget.take(len(chunk), name)
                if total > limit:
                    raise _problem(name, f"part {member} inflates beyond {limit:,} bytes; refused")
                out.append(chunk)
    except _READ_ERRORS as exc:  # a damaged member (checksum, header, data) surfaces only when read
        raise _problem(name, f"the document is damaged ({member} cannot be read); "
                             "use the answers file (.yaml) instead") from exc
    return b"".join(out)


def _xml(blob: bytes, name: str, member: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(blob, parser)
    except etree.XMLSyntaxError as exc:
        raise _problem(name, f"the document is damaged ({member} is not well-formed XML)") from exc


def _rels_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _targets(zf: zipfile.ZipFile, part: str, reltype: str, name: str, budget: _Budget) -> list[str]:
    """Zip member names of the internal relationships of `reltype` from `part` ("" = the package)."""
    rels = _rels_of(part) if part else "_rels/.rels"
    if rels not in zf.NameToInfo:
        return []
    root = _xml(_read(zf, rels, MAX_RELS_BYTES, name, budget), name, rels)
    base = posixpath.dirname(part)
    out = []
    for rel in root.iter(f"{{{PKG_RELS}}}Relationship"):
        if rel.get("Type") != reltype or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
        if member.startswith("../") or member in out:
            continue
        out.append(member)
    return out


def _custom_xml_parts(zf: zipfile.ZipFile, name: str, budget: _Budget) -> list[str]:
    """The custom XML parts the main document relates to (where `embed` puts the answers)."""
    main = _targets(zf, "", RT_OFFICE_DOCUMENT, name, budget)
    if not main:
        raise _problem(name, "not a Word (.docx) document (no main document part)")
    return [m for m in _targets(zf, main[0], RT_CUSTOM_XML, name, budget) if m in zf.NameToInfo]


def _decode(blob: bytes, name: str, check_hash: bool = True) -> Embedded:
    root = _xml(blob, name, "the embedded answers")
    if root.tag != f"{{{NAMESPACE}}}answers":
        raise _problem(name, "the embedded answers part is not pia's")
    try:
        raw = base64.b64decode((root.text or "").strip(), validate=True)
        text = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise _problem(name, "the embedded answers are damaged (bad encoding)") from exc
    recorded = root.get("sha256")
    if not recorded:
        raise _problem(name, "the embedded answers carry no SHA-256, so they cannot be checked; refused")
    hash_ok = hashlib.sha256(raw).hexdigest() == recorded
    if not hash_ok and check_hash:
        raise _problem(name, "answers altered after the report was made (their SHA-256 no longer matches "
                             "the one recorded in the report); refused")
    try:
        signoff = base64.b64decode(root.get("signoff") or "", validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise _problem(name, "the embedded signature is damaged (bad encoding)") from exc
    return Embedded(text, root.get("questionnaire-sha256") or "", signoff, hash_ok)
