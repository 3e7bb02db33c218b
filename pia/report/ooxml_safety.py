"""Remote and active content in a Word package, refused before anyone opens or converts it.

A template can make Word or LibreOffice fetch things when the report is opened
or converted: linked pictures, an attached template on a server, INCLUDEPICTURE
fields whose URL Jinja fills with report data, DDE, OLE objects (review F10).
None of that belongs in an assessment report, so a package holding any of it
is refused: at lint time, before and after rendering (Jinja can build a field
code out of data), and again before LibreOffice sees the file. Hyperlinks stay
allowed: nothing is fetched until a reader clicks one.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator

from lxml import etree

from ..errors import PiaError, Problem

_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_V = "urn:schemas-microsoft-com:vml"
_O = "urn:schemas-microsoft-com:office:office"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK = _R + "/hyperlink"
# Element tags whose r:id may name an external hyperlink relationship.
_LINK_ELEMENTS = {f"{{{_W}}}hyperlink", f"{{{_A}}}hlinkClick", f"{{{_A}}}hlinkHover", f"{{{_A}}}hlinkMouseOver"}
# Relationship types refused even inside the package (embedded programs and documents).
_ACTIVE_TYPES = ("/oleObject", "/aFChunk", "/control", "/activeXControlBinary", "/attachedTemplate",
                 "/subDocument", "/frame")
# Elements refused wherever they are.
_ELEMENTS = {
    f"{{{_W}}}altChunk": "an altChunk (imported document)",
    f"{{{_W}}}attachedTemplate": "an attached template (fetched when Word opens the report)",
    f"{{{_W}}}subDoc": "a subdocument",
    f"{{{_W}}}objectEmbed": "an OLE object",
    f"{{{_W}}}objectLink": "a linked OLE object",
    f"{{{_W}}}control": "an ActiveX control",
    f"{{{_W}}}mailMerge": "a mail merge data source",
    f"{{{_W}}}frameset": "a frameset",
    f"{{{_O}}}OLEObject": "an OLE object",
}
_BLIP, _IMAGEDATA, _FLD_SIMPLE = f"{{{_A}}}blip", f"{{{_V}}}imagedata", f"{{{_W}}}fldSimple"
# Field types that pull content in or run something when fields update.
FIELDS = {"INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "DDE", "DDEAUTO", "LINK", "IMPORT", "EMBED", "DATABASE"}
MAX_PART_BYTES = 64 * 1024 * 1024
_FIRST_WORD = re.compile(r'[\s"]*([^\s"\\]*)')


def check_docx(data: bytes, name: str, what: str = "template") -> None:
    """PiaError naming each part and construct that would fetch or run something."""
    problems = list(problems_in_docx(data, name, what))
    if problems:
        raise PiaError(problems)


_CLEAN_TEMPLATES: set[bytes] = set()


def check_template(data: bytes, name: str) -> None:
    """check_docx for a template; the same bytes need checking once per process (the bundled ones, a
    municipality's template in a batch), so the SHA-256 of every template found clean is remembered."""
    digest = hashlib.sha256(data).digest()
    if digest in _CLEAN_TEMPLATES:
        return
    check_docx(data, name, "template")
    _CLEAN_TEMPLATES.add(digest)


def problems_in_docx(data: bytes, name: str, what: str = "template") -> Iterator[Problem]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        yield Problem(name, 0, 0, "", f"not a readable Word file: {exc}")
        return
    with zf:
        for info in zf.infolist():
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            if info.file_size > MAX_PART_BYTES:
                yield Problem(name, 0, 0, info.filename, f"part larger than {MAX_PART_BYTES // 2**20} MB")
                continue
            try:
                root = _parse(zf.read(info))
            except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError) as exc:
                yield Problem(name, 0, 0, info.filename, f"not well-formed XML: {exc}")
                continue
            external = _external_ids(zf, info.filename)
            if info.filename.endswith(".rels"):
                yield from _rels_problems(root, name, info.filename, what)
            else:
                yield from _part_problems(root, name, info.filename, what, external)


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(xml, parser)


def _rels_name(part: str) -> str:
    folder, _, base = part.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _external_ids(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """rId -> target of the part's relationships that point outside the package."""
    try:
        root = _parse(zf.read(_rels_name(part)))
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError):
        return {}
    return {rel.get("Id", ""): rel.get("Target", "") for rel in root.iter(f"{{{_PKG_RELS}}}Relationship")
            if _is_external(rel)}


def _is_external(rel: etree._Element) -> bool:
    target = rel.get("Target", "")
    return (rel.get("TargetMode", "").lower() == "external" or "://" in target
            or target.lower().startswith(("file:", "\\\\", "//", "mhtml:")))


def _rels_problems(root: etree._Element, name: str, part: str, what: str) -> Iterator[Problem]:
    for rel in root.iter(f"{{{_PKG_RELS}}}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")[:100]
        if _is_external(rel) and rel.get("Type") != HYPERLINK:
            yield Problem(name, 0, 0, part, f"external {kind} relationship to {target!r}; a {what} may not "
                                            "pull in anything from outside the document (only hyperlinks)")
        elif rel.get("Type", "").endswith(_ACTIVE_TYPES):
            yield Problem(name, 0, 0, part, f"{kind} relationship to {target!r}; a {what} may not carry "
                                            "embedded objects, attached templates or imported documents")


def _part_problems(root: etree._Element, name: str, part: str, what: str,
                   external: dict[str, str]) -> Iterator[Problem]:
    def refuse(found: str) -> Problem:
        return Problem(name, 0, 0, part, f"{found}; a {what} may not pull in remote or local content "
                                         "or run anything")

    # Only the elements that matter are visited (lxml filters by tag in C): walking every
    # element of a large report in Python cost about 0.1 s per check.
    for el in root.iter(*_ELEMENTS, _BLIP, _IMAGEDATA, _FLD_SIMPLE):
        tag = el.tag
        if tag in _ELEMENTS:
            yield refuse(f"contains {_ELEMENTS[tag]}")
        elif tag == _BLIP and el.get(f"{{{_R}}}link"):
            yield refuse("contains a linked (not embedded) picture")
        elif tag == _IMAGEDATA and (el.get(f"{{{_O}}}href") or el.get("src")):
            yield refuse("contains a linked VML picture")
        elif tag == _FLD_SIMPLE:
            word = _field_type(el.get(f"{{{_W}}}instr", ""))
            if word:
                yield refuse(word)
    if external:   # an element other than a hyperlink that uses an outside relationship
        for el in root.xpath("//*[@*[namespace-uri() = $r]]", r=_R):
            if el.tag in _LINK_ELEMENTS:
                continue
            for attr, value in el.attrib.items():
                if attr.startswith(f"{{{_R}}}") and value in external:
                    yield refuse(f"refers to the external address {external[value][:100]!r}")
    yield from (refuse(found) for found in _complex_fields(root))


def _field_type(instr: str) -> str | None:
    """What is wrong with a field instruction, or None: its first word decides what Word does."""
    word = _FIRST_WORD.match(instr)
    first = word.group(1) if word else ""
    if "{" in first or "}" in first:
        return f"field code whose type is filled in by the template ({first[:40]!r})"
    if first.upper() in FIELDS:
        return f"field code {first.upper()}"
    return None


def _complex_fields(root: etree._Element) -> Iterator[str]:
    """Field codes split over runs (fldChar begin, instrText..., separate, end), nested fields included.

    A field's type is its own instruction text joined across runs; one whose
    type would come from a nested field's result is refused outright.
    """
    begin, sep, end = "begin", "separate", "end"
    stack: list[dict[str, object]] = []
    fld_char, instr_tags = f"{{{_W}}}fldChar", (f"{{{_W}}}instrText", f"{{{_W}}}delInstrText")

    def finish(field: dict[str, object]) -> Iterator[str]:
        if field["open"]:
            field["open"] = False
            found = _field_type("".join(field["text"]))  # type: ignore[arg-type]
            if found:
                yield found

    for el in root.iter(fld_char, *instr_tags):
        if el.tag == fld_char:
            kind = el.get(f"{{{_W}}}fldCharType")
            if kind == begin:
                if stack and stack[-1]["open"] and not "".join(stack[-1]["text"]).strip():  # type: ignore[arg-type]
                    yield "field code whose type comes from a nested field"
                stack.append({"open": True, "text": []})
            elif kind in (sep, end) and stack:
                yield from finish(stack[-1])
                if kind == end:
                    stack.pop()
        elif stack and stack[-1]["open"]:
            stack[-1]["text"].append(el.text or "")  # type: ignore[union-attr]
        else:
            found = _field_type(el.text or "")
            if found:
                yield found
    for field in stack:
        yield from finish(field)
