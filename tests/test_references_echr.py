"""The European Convention on Human Rights is cited where it binds: the EU and the UK, and an international
state that is a party; never a US city, nor an international state that is not. While it is not known whether
the state is a party, each Convention citation says "if the state is a party" (pia/references.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pia.answers import load
from pia.assess import assess
from pia.loader import find_questionnaire, load_cached
from pia.references import convention_party, for_jurisdiction, qualified, shown_or_note
from pia.report import context_for
from pia.wording import label

ROOT = Path(__file__).resolve().parents[1]
BELGRADE = ROOT / "tests" / "cases" / "belgrade-safe-city.yaml"   # international, face recognition
EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
IF_PARTY = label("references.if_echr_party")
REFS = ["ECHR Art. 8", "ECHR Art. 8(2)", "Glukhin v Russia (ECtHR 2023)", "ICCPR Art. 17",
        "Glukhin v Russia (ECtHR 2023), persuasive outside the Council of Europe"]


@pytest.fixture(scope="module")
def camera():
    return load_cached(find_questionnaire("camera_hria"))


@pytest.mark.parametrize("profile, party, shown, if_party", [
    ("eu", None, REFS[:4], []),
    ("uk", "no", REFS[:4], []),          # the answer is asked only for the international profile
    ("us_city", "yes", [REFS[3], REFS[4]], []),
    ("international", "yes", REFS[:4], []),
    ("international", "no", [REFS[3], REFS[4]], []),
    ("international", "unknown", REFS, REFS[:3]),
    ("international", None, REFS, REFS[:3]),
])
def test_convention_anchors_follow_the_jurisdiction_and_echr_party(camera, profile, party, shown, if_party):
    answers = {"echr_party": party} if party else {}
    r = for_jurisdiction(REFS, camera.rules.anchors, profile, answers)
    assert list(r.shown) == shown
    assert list(r.if_party) == if_party
    worded = shown_or_note(REFS, camera.rules.anchors, profile, answers)
    assert worded == [qualified(x) if x in if_party else x for x in shown]
    assert all(w.endswith(IF_PARTY) == (w.removesuffix(IF_PARTY) in if_party) for w in worded)


def test_only_the_convention_is_dropped_for_a_state_that_is_not_a_party(camera):
    r = for_jurisdiction(["ECHR Art. 8"], camera.rules.anchors, "international", {"echr_party": "no"})
    assert r.shown == () and r.note == label("references.none_apply")
    assert convention_party({"echr_party": "unknown"}) is None and convention_party({}) is None


def _belgrade(camera, party: str | None):
    answers, _ = load(BELGRADE)
    return answers.with_answer("echr_party", party)


def _cited(ctx) -> list[str]:
    """Every citation the report shows for red flags (each a row with its status)."""
    return [row["cite"] for f in ctx["red_flags"] for row in f["law"]]


def _rights_convention(ctx) -> tuple[int, int]:
    """(Convention citations, of them said to apply if the state is a party) among the rights' references."""
    text = " ".join(r["anchors"] for r in ctx["rights"])
    return text.count("ECHR Art") + text.count("ECHR Protocol") + text.count("(ECtHR"), text.count(IF_PARTY)


@pytest.mark.parametrize("party", ["yes", "no", "unknown", None])
def test_report_shows_the_convention_for_an_international_state_by_its_answer(camera, party):
    answers = _belgrade(camera, party)
    ctx = context_for(camera, answers)
    cited = _cited(ctx)
    convention = [c for c in cited if c.startswith("ECHR") or "(ECtHR 2023)" in c and "persuasive" not in c]
    in_rights, qualified_in_rights = _rights_convention(ctx)
    if party == "no":
        assert convention == [] and in_rights == 0
        assert any(c.startswith("ICCPR") for c in cited)
    elif party == "yes":
        assert "ECHR Art. 8(2)" in convention and not [c for c in convention if c.endswith(IF_PARTY)]
        assert in_rights > 0 and qualified_in_rights == 0
    else:
        said = [c for c in convention if "party to the ECHR" in c]
        assert convention and said == convention, convention
        assert "ECHR Art. 8(2)" + IF_PARTY in convention
        assert in_rights > 0 and qualified_in_rights == in_rights
    # A qualified citation keeps its status and dates from the law in time.
    for f in ctx["red_flags"]:
        for row in f["law"]:
            if row["cite"].endswith(IF_PARTY):
                assert row["status"] == label("anchor_status.binding"), row
    # The outcome never depends on which references are shown.
    assert assess(camera, answers).outcome == assess(camera, _belgrade(camera, None)).outcome


@pytest.mark.parametrize("name, present", [
    ("live_fr_missing_child_authorised.yaml", True),   # eu
    ("town_centre_cctv_large.yaml", True),             # uk
    ("citywide_plate_readers_police.yaml", False),     # us_city
])
def test_report_shows_the_convention_in_the_eu_and_uk_and_never_to_a_us_city(camera, name, present):
    answers, _ = load(EXAMPLES / name)
    ctx = context_for(camera, answers)
    convention = [c for c in _cited(ctx) if c.startswith("ECHR") or "(ECtHR" in c and "persuasive" not in c]
    in_rights, qualified_in_rights = _rights_convention(ctx)
    assert bool(in_rights) == present and qualified_in_rights == 0
    assert not [c for c in convention if c.endswith(IF_PARTY)]
    if not present:
        assert convention == []


@pytest.mark.parametrize("party, expected", [
    ("yes", "ECHR Art. 1"), ("no", None), (None, "ECHR Art. 1" + IF_PARTY)])
def test_app_references_beside_a_question_follow_echr_party(tmp_path, monkeypatch, party, expected):
    from .app.opening import uploaded
    from .app.rendered import plain

    # The case file answers echr_party (Serbia is a party); each run sets it, or leaves it out, itself.
    text = re.sub(r"(?m)^  echr_party: .*\n", "", BELGRADE.read_text(encoding="utf-8"))
    if party is not None:
        text = text.replace("  jurisdiction: international\n",
                            f"  jurisdiction: international\n  echr_party: '{party}'\n", 1)
    path = tmp_path / "belgrade.yaml"
    path.write_text(text, encoding="utf-8")
    at = uploaded(path, tmp_path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    refs = [plain(c.value).split("Legal references.", 1)[1].strip(" *") for c in at.caption
            if "Legal references." in plain(c.value)]
    jurisdiction = next(r for r in refs if "ICCPR Art. 2(1)" in r)   # the jurisdiction question's references
    if expected is None:
        assert "ECHR" not in jurisdiction, jurisdiction
    else:
        assert jurisdiction.split("; ")[0] == expected, jurisdiction
