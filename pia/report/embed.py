"""The answers file travels inside the Word report, as a custom XML part.

Custom XML data parts are the standard OOXML place for an application's own
data: Word and LibreOffice keep them when a user edits and re-saves the
report, so a returned report can be loaded again (`pia validate report.docx`,
the app's upload). The YAML is stored base64-encoded with its SHA-256, so no
character in an answer can break the XML and tampering is detected.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
import zlib
from pathlib import Path
from typing import IO

from lxml import etree

from ..errors import PiaError, Problem

NAMESPACE = "urn:pia:answers:1"
RT_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_DOCX_BYTES = 50 * 1024 * 1024


def answers_part_xml(answers_yaml: str) -> bytes:
    """The custom XML part holding the answers file."""
    raw = answers_yaml.encode("utf-8")
    root = etree.Element(f"{{{NAMESPACE}}}answers", nsmap={"pia": NAMESPACE})
    root.set("encoding", "base64")
    root.set("media-type", "application/yaml")
    root.set("sha256", hashlib.sha256(raw).hexdigest())
    root.text = base64.b64encode(raw).decode("ascii")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def embed(document: object, answers_yaml: str) -> None:
    """Attach the answers to a python-docx Document (replacing any earlier copy)."""
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
    new = Part(PackURI(f"/customXml/item{n}.xml"), "application/xml", answers_part_xml(answers_yaml), part.package)
    part.relate_to(new, RT_CUSTOM_XML)


def _is_ours(blob: bytes) -> bool:
    return NAMESPACE.encode() in blob[:400]


def answers_from_docx(source: str | Path | bytes | IO[bytes]) -> str:
    """The answers file embedded in a report made by `pia report`, as YAML text."""
    name = str(source) if isinstance(source, (str, Path)) else getattr(source, "name", "<upload>")
    try:
        if isinstance(source, (str, Path)):
            size = Path(source).stat().st_size
            if size > MAX_DOCX_BYTES:
                raise PiaError(Problem(name, 0, 0, "", f"larger than {MAX_DOCX_BYTES // 2**20} MB"))
            zf = zipfile.ZipFile(source)
        else:
            data = source if isinstance(source, bytes) else source.read(MAX_DOCX_BYTES + 1)
            if len(data) > MAX_DOCX_BYTES:
                raise PiaError(Problem(name, 0, 0, "", f"larger than {MAX_DOCX_BYTES // 2**20} MB"))
            zf = zipfile.ZipFile(io.BytesIO(data))
    except FileNotFoundError as exc:
        raise PiaError(Problem(name, 0, 0, "", "no such file")) from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise PiaError(Problem(name, 0, 0, "", "not a Word (.docx) document")) from exc
    except (EOFError, NotImplementedError, ValueError, RuntimeError) as exc:  # a damaged zip directory
        raise PiaError(Problem(name, 0, 0, "", "the document is damaged (its zip directory cannot be read)")) from exc
    with zf:
        for info in zf.infolist():
            if not (info.filename.startswith("customXml/") and info.filename.endswith(".xml")):
                continue
            if info.file_size > MAX_PART_BYTES:
                continue
            try:
                blob = zf.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError, RuntimeError) as exc:
                # A damaged member (bad checksum, header or compressed data) surfaces only when read.
                raise PiaError(Problem(name, 0, 0, "", f"the document is damaged ({info.filename} cannot be "
                                                       "read); use the answers file (.yaml) instead")) from exc
            if not _is_ours(blob):
                continue
            return _decode(blob, name)
    raise PiaError(Problem(name, 0, 0, "", "no answers are embedded in this document (was it made by `pia report`?)"))


def _decode(blob: bytes, name: str) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(blob, parser)
    except etree.XMLSyntaxError as exc:
        raise PiaError(Problem(name, 0, 0, "", f"the embedded answers are damaged: {exc}")) from exc
    if root.tag != f"{{{NAMESPACE}}}answers":
        raise PiaError(Problem(name, 0, 0, "", "the embedded answers part is not pia's"))
    try:
        raw = base64.b64decode((root.text or "").strip(), validate=True)
        text = raw.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PiaError(Problem(name, 0, 0, "", "the embedded answers are damaged (bad encoding)")) from exc
    if root.get("sha256") and hashlib.sha256(raw).hexdigest() != root.get("sha256"):
        raise PiaError(Problem(name, 0, 0, "", "the embedded answers were altered (SHA-256 does not match)"))
    return text
