"""The report context is plain, clean data; the committed templates match their generator."""

from __future__ import annotations

import json

import pytest

from pia.embedded import answers_from_docx, answers_part_xml
from pia.errors import PiaError
from pia.report import context_for
from pia.report.build_templates import BUILDERS, TEMPLATE_DIR, build
from pia.report.context import clean

from .reportkit import GENERATED, HERE, Example, load_example, parts


def test_context_is_plain_json_data(example: Example) -> None:
    ctx = context_for(example.q, example.answers, generated=GENERATED)
    assert json.loads(json.dumps(ctx)) == ctx
    assert ctx["generated"] == GENERATED
    def walk(o):
        if isinstance(o, str):
            assert not any(ord(c) < 32 and c not in "\n\t" for c in o), repr(o)
        elif isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    walk(ctx)


def test_no_clock_in_the_core() -> None:
    ex = load_example(HERE / "answers" / "mini-cctv-low.yaml")
    ctx = context_for(ex.q, ex.answers)
    assert ctx["generated"] == "not stated" == ctx["reproducibility"]["generated"]


def test_ratings_are_traced_to_rules_and_answers() -> None:
    ex = load_example(HERE / "answers" / "mini-assembly-fr.yaml")
    ctx = context_for(ex.q, ex.answers, generated=GENERATED)
    assembly = next(r for r in ctx["rights"] if r["id"] == "assembly")
    scale = next(d for d in assembly["dimensions"] if d["dimension"] == "scale")
    assert scale["value"] == 4
    assert "R-ASSEMBLY (Identification of protesters)" in scale["reason"]
    assert "Will cameras cover assemblies or protests?: Yes" in scale["reason"]
    flags = [f["id"] for f in ctx["red_flags"]]
    assert "RF-10" in flags
    assert ctx["outcome"]["id"] == "do_not_proceed"
    plan = {m["id"]: m for m in ctx["mitigations"]}
    assert plan["M-GEOFENCE"]["owner"] == "Police IT" and plan["M-GEOFENCE"]["due"] == "2027-03-01"
    assert plan["M-GEOFENCE"]["counted"] is False
    cells = [c for row in ctx["matrix"]["rows"] for c in row["cells"]]
    assert any("Freedom of assembly (before)" in c["rights"] for c in cells)
    assert "Freedom of assembly: before safeguards severity 4" in ctx["matrix"]["alt"]


def test_crosswalk_says_where_each_element_is_answered() -> None:
    ex = load_example(HERE / "answers" / "mini-assembly-fr.yaml")  # EU: the GDPR framework applies
    ctx = context_for(ex.q, ex.answers, generated=GENERATED)
    (gdpr,) = ctx["crosswalk"]
    assert gdpr["applies_label"] == "Applies"
    rows = {e["id"]: e for e in gdpr["elements"]}
    assert rows["GDPR-35-7a"]["status"] == "Answered"
    assert "What problem does it address? (Answered, System description)" in rows["GDPR-35-7a"]["where"]
    assert rows["GDPR-35-7b"]["status"] == "Not covered"
    us = context_for(ex.q, load_example(HERE / "answers" / "mini-cctv-low.yaml").answers, generated=GENERATED)
    (gdpr_us,) = us["crosswalk"]
    assert gdpr_us["applies_label"] == "For reference" and gdpr_us["elements"] == []
    assert gdpr_us["summary"] == "1 of 2 required elements answered"


def test_clean_strips_controls_and_keeps_text() -> None:
    s = "a\x00b\x01c\x07d\x0be\x0cf\x1bg\x7fh\x85i\r\nj\rk\tl 🚁 مرحبا Привет"
    assert clean(s) == "abcdefghi\nj\nk\tl 🚁 مرحبا Привет"


def test_committed_templates_match_the_generator(tmp_path) -> None:
    build(tmp_path)
    for name in BUILDERS:
        fresh = parts((tmp_path / name).read_bytes())
        committed = parts((TEMPLATE_DIR / name).read_bytes())
        assert fresh == committed, f"{name} is stale: run python -m pia.report.build_templates"


def test_embedded_answers_are_checked() -> None:
    import io
    import zipfile

    from docx import Document

    from pia.embedded import embed

    doc = Document()
    embed(doc, "questionnaire: mini\n")
    embed(doc, "questionnaire: mini2\n")  # replaces, never duplicates
    buf = io.BytesIO()
    doc.save(buf)
    assert answers_from_docx(buf.getvalue()) == "questionnaire: mini2\n"
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    ours = [n for n in zf.namelist() if n.startswith("customXml/") and b"urn:pia:answers" in zf.read(n)]
    assert len(ours) == 1
    tampered = answers_part_xml("questionnaire: mini\n").replace(b'sha256="', b'sha256="0')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for n in src.namelist():
            dst.writestr(n, tampered if n.startswith("customXml/") else src.read(n))
    with pytest.raises(PiaError, match="altered"):
        answers_from_docx(out.getvalue())
    with pytest.raises(PiaError, match="not a Word"):
        answers_from_docx(b"not a zip")


# What the camera instrument's legality_limbs select, limb by limb: the same questions the
# report showed before the limbs were declared as data (it used to match words in section ids).
CAMERA_LIMBS = {
    "law": ["lfr_national_law", "deployment_criteria", "legal_basis", "legal_basis_citation",
            "law_limits_discretion", "pressing_need", "biometric_condition", "biometric_data_position",
            "reasonable_expectations", "uk_directed_surveillance",
            "use_policy_timing"],  # a use policy adopted before any use (Bridges)
    "aim": ["purposes", "pressing_need", "problem_evidence", "secondary_uses"],
    "necessity": ["asm_identification_rule", "pressing_need", "problem_evidence", "problem_description",
                  "effectiveness_evidence", "effect_evaluation", "alternatives", "less_intrusive_adequate",
                  "success_measures", "balance"],
    "proportionality": ["pressing_need", "alternatives", "less_intrusive_adequate", "people_affected_per_day",
                        "benefits", "balance"],
}


def _camera_copy(tmp_path, edit):
    """A copy of the camera instrument with `edit(text)` applied to its core file."""
    import shutil

    src = HERE.parent.parent / "questionnaires" / "camera-hria"
    dst = tmp_path / "camera"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("examples"))
    core = dst / "camera_hria.yaml"
    core.write_text(edit(core.read_text(encoding="utf-8")), encoding="utf-8")
    return core


def _all_visible(q):
    """Every question of the assembled instrument, module sections included."""
    return [(s, x) for s in q.sections for x in s.questions]


def test_legality_limbs_select_the_declared_questions() -> None:
    from pia.loader import load_cached

    q = load_cached(HERE.parent.parent / "questionnaires" / "camera-hria" / "camera_hria.yaml")
    got = {}
    for limb in q.rules.legality_limbs:
        got[limb.id] = [x.id for s, x in _all_visible(q) if s.id in limb.sections or x.id in limb.questions
                        or any(e in limb.elements for e in x.elements)]
    assert got == CAMERA_LIMBS


def test_report_roles_come_from_the_instrument_not_from_section_names(tmp_path) -> None:
    """Renaming sections keeps the legality table, consultation record and sign-off; removing the roles empties them."""
    from pia.loader import load_questionnaire

    example = load_example(HERE.parent.parent / "questionnaires" / "camera-hria" / "examples" / "school_cctv.yaml")
    before = context_for(example.q, example.answers, generated=GENERATED)
    assert before["consultation"] and before["signoff"] and all(limb["answers"] for limb in before["legality"]["limbs"])

    def rename(text: str) -> str:
        for old, new in (("consultation", "public_voice"), ("signoff", "closing"), ("approval", "council_step"),
                         ("legality", "footing"), ("necessity", "need_test"), ("proportionality", "weighing")):
            text = text.replace(f"  - id: {old}\n", f"  - id: {new}\n").replace(f"sections: [{old}]", f"sections: [{new}]")
        return text

    renamed = load_questionnaire(_camera_copy(tmp_path / "a", rename))
    after = context_for(renamed, example.answers, generated=GENERATED)
    def without_ids(rows):
        return [{k: v for k, v in row.items() if k not in ("id", "key")} for row in rows]

    for key in ("consultation", "signoff"):
        assert without_ids(after[key]) == without_ids(before[key])
    assert without_ids(after["legality"]["limbs"]) == without_ids(before["legality"]["limbs"])

    stripped = load_questionnaire(_camera_copy(tmp_path / "b", lambda t: t.replace("    role: consultation\n", "")
                                               .replace("    role: signoff\n", "")))
    bare = context_for(stripped, example.answers, generated=GENERATED)
    assert bare["consultation"] == [] and bare["signoff"] == []


def test_template_variables_are_documented_and_fresh() -> None:
    """docs/templates.md and schemas/context.schema.json are generated from the typed context."""
    from pia.report.context_model import context_schema, templates_markdown

    root = HERE.parent.parent
    assert (root / "docs" / "templates.md").read_text(encoding="utf-8") == templates_markdown(), (
        "docs/templates.md is stale: pia schema --kind templates-doc > docs/templates.md")
    assert json.loads((root / "schemas" / "context.schema.json").read_text(encoding="utf-8")) == context_schema(), (
        "schemas/context.schema.json is stale: pia schema --kind context > schemas/context.schema.json")


def test_every_context_matches_its_documented_schema(example: Example) -> None:
    """Each example's full and brief context validates against the exported JSON Schema, extra keys refused."""
    import jsonschema

    schema = json.loads((HERE.parent.parent / "schemas" / "context.schema.json").read_text(encoding="utf-8"))
    for brief in (False, True):
        ctx = context_for(example.q, example.answers, brief=brief, generated=GENERATED)
        jsonschema.validate(ctx, schema)
    with pytest.raises(jsonschema.ValidationError, match="Additional properties"):
        jsonschema.validate({**ctx, "undocumented": 1}, schema)


# --- returned reports: the zip and the embedded answers (F2, F5 of the 2026-11 security review) -------

def _report_bytes() -> bytes:
    from pia.report import render

    ex = load_example(HERE / "answers" / "mini-cctv-low.yaml")
    return render(ex.q, ex.answers, "docx", generated=GENERATED)


def _answers_member(data: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return next(n for n in z.namelist() if n.startswith("customXml/") and b"urn:pia:answers" in z.read(n)[:400])


def _rebuild(data: bytes, replace: dict[str, bytes] | None = None, first: list[tuple[str, bytes]] = (),
             add: list[tuple[str, bytes]] = ()) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, b in first:
            zout.writestr(n, b)
        for info in zin.infolist():
            zout.writestr(info.filename, (replace or {}).get(info.filename, zin.read(info)))
        for n, b in add:
            zout.writestr(n, b)
    return out.getvalue()


def _stored_zip(entries: list[tuple[bytes, int]], payload: bytes) -> bytes:
    """One local entry holding `payload` deflated, and a central directory entry per (name, offset=0)."""
    import struct
    import zlib

    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp = co.compress(payload) + co.flush()
    crc = zlib.crc32(payload)
    first = entries[0][0]
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(comp), len(payload), len(first), 0)
    body = local + first + comp
    cd = b"".join(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(comp), len(payload),
                              len(name), 0, 0, 0, 0, 0, offset) + name for name, offset in entries)
    n = len(entries)
    return body + cd + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, n, n, len(cd), len(body), 0)


def test_overlapping_entry_zip_bomb_is_refused_before_inflating() -> None:
    from pia.embedded import read_embedded

    zeros = b"\0" * (8 * 1024 * 1024 - 1)
    same_name = _stored_zip([(b"customXml/item1.xml", 0)] * 200, zeros)
    with pytest.raises(PiaError, match="appears twice"):
        read_embedded(same_name, "bomb.docx")
    # distinct names, all pointing at one local entry (few enough to stay under the declared-size cap)
    distinct = _stored_zip([(f"customXml/item{i}.xml".encode(), 0) for i in range(20)], zeros)
    with pytest.raises(PiaError, match="overlap"):
        read_embedded(distinct, "bomb.docx")


def test_zip_entry_count_and_declared_size_are_capped() -> None:
    import struct

    from pia.embedded import MAX_DECLARED_BYTES, MAX_ENTRIES, read_embedded

    data = _report_bytes()
    many = _rebuild(data, add=[(f"x/{i}", b"") for i in range(MAX_ENTRIES)])
    with pytest.raises(PiaError, match="zip entries"):
        read_embedded(many, "many.docx")
    # declare a huge uncompressed size for one member in the central directory (offset 24 of its record)
    patched = bytearray(data)
    at = patched.index(b"PK\x01\x02")
    patched[at + 24:at + 28] = struct.pack("<L", MAX_DECLARED_BYTES + 1)
    with pytest.raises(PiaError, match="declares"):
        read_embedded(bytes(patched), "declared.docx")


def test_a_part_inflating_beyond_what_it_declares_is_not_read_past_it() -> None:
    import struct

    from pia.embedded import read_embedded

    data = _report_bytes()
    member = _answers_member(data)
    big = b"<x>" + b" " * (9 * 1024 * 1024) + b"</x>"
    rebuilt = bytearray(_rebuild(data, {member: big}))
    # the central directory now claims 100 bytes for a part that inflates to 9 MB
    cd = rebuilt.index(b"PK\x01\x02")
    while True:
        n = struct.unpack("<H", rebuilt[cd + 28:cd + 30])[0]
        m, k = struct.unpack("<HH", rebuilt[cd + 30:cd + 34])
        if rebuilt[cd + 46:cd + 46 + n].decode() == member:
            rebuilt[cd + 24:cd + 28] = struct.pack("<L", 100)
            break
        cd = rebuilt.index(b"PK\x01\x02", cd + 46 + n + m + k)
    with pytest.raises(PiaError) as exc:
        read_embedded(bytes(rebuilt), "liar.docx")
    assert "damaged" in str(exc.value) or "inflates" in str(exc.value)


def test_answers_are_found_through_the_relationships_only() -> None:
    """A pia-looking part the document does not relate to is never read: the related one is used."""
    from pia.embedded import read_embedded

    data = _report_bytes()
    original = read_embedded(data).answers
    shadow = answers_part_xml("questionnaire: mini\nquestionnaire_version: 1.2.0\nanswers: {}\n")
    first = _rebuild(data, first=[("customXml/item0.xml", shadow)])
    assert read_embedded(first).answers == original


def test_two_answers_parts_a_missing_or_wrong_hash_are_refused() -> None:
    import hashlib
    import re

    from pia.embedded import read_embedded

    data = _report_bytes()
    member = _answers_member(data)
    text = read_embedded(data).answers
    rels = "word/_rels/document.xml.rels"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels_xml = z.read(rels).decode()
    second = rels_xml.replace("</Relationships>", '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/'
                              'officeDocument/2006/relationships/customXml" Target="../customXml/item99.xml"/>'
                              "</Relationships>")
    two = _rebuild(data, {rels: second.encode()}, add=[("customXml/item99.xml", answers_part_xml(text))])
    with pytest.raises(PiaError, match="2 answers parts"):
        read_embedded(two)
    part = answers_part_xml(text + "# edited\n")
    no_hash = re.sub(rb' sha256="[0-9a-f]+"', b"", part)
    with pytest.raises(PiaError, match="carry no SHA-256"):
        read_embedded(_rebuild(data, {member: no_hash}))
    stale = part.replace(hashlib.sha256((text + "# edited\n").encode()).hexdigest().encode(),
                         hashlib.sha256(text.encode()).hexdigest().encode())
    with pytest.raises(PiaError, match="answers altered after the report was made"):
        read_embedded(_rebuild(data, {member: stale}))


def test_a_recomputed_hash_cannot_be_detected() -> None:
    """The documented limit of an unkeyed hash: edited answers with a fresh hash are read as they are.
    This is why SECURITY.md must not claim that returned reports are tamper-proof."""
    from pia.embedded import read_embedded

    data = _report_bytes()
    edited = read_embedded(data).answers + "# edited\n"
    assert read_embedded(_rebuild(data, {_answers_member(data): answers_part_xml(edited)})).answers == edited


def test_report_records_the_questionnaire_digest_it_was_made_with() -> None:
    from pia.embedded import read_embedded
    from pia.fingerprint import questionnaire_digest

    ex = load_example(HERE / "answers" / "mini-cctv-low.yaml")
    digest = questionnaire_digest(ex.q)
    assert len(digest) == 64
    assert read_embedded(_report_bytes()).questionnaire_sha256 == digest
    ctx = context_for(ex.q, ex.answers, generated=GENERATED)
    assert ctx["reproducibility"]["questionnaire_sha256"] == digest
    assert {f["name"] for f in ctx["reproducibility"]["questionnaire_files"]} == set(ex.q.source_sha256)


@pytest.mark.parametrize("brief", [False, True], ids=["full", "brief"])
def test_pdf_shows_the_questionnaire_digest(tmp_path, brief: bool) -> None:
    import subprocess

    from pia.fingerprint import questionnaire_digest

    from .reportkit import pdftotext_or_skip, rendered, soffice_or_skip

    soffice_or_skip()
    exe = pdftotext_or_skip()
    ex = load_example(HERE / "answers" / "mini-cctv-low.yaml")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(rendered(ex, "pdf", brief=brief))
    text = subprocess.run([exe, "-raw", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert questionnaire_digest(ex.q) in "".join(text.split())   # a long hash may wrap across lines


def test_a_report_resaved_by_libreoffice_still_gives_its_answers(tmp_path) -> None:
    """The answers part is found through the relationships LibreOffice writes back, not by name or order."""
    import subprocess

    from pia.embedded import read_embedded

    from .reportkit import soffice_or_skip

    exe = soffice_or_skip()
    original = _report_bytes()
    (tmp_path / "in.docx").write_bytes(original)
    subprocess.run([exe, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"), str(tmp_path / "in.docx")],
                   capture_output=True, check=True, timeout=180)
    resaved = (tmp_path / "out" / "in.docx").read_bytes()
    assert resaved != original
    assert read_embedded(resaved) == read_embedded(original)
