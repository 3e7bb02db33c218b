"""The assessment record cites only the law of its jurisdiction (legal review L-12 to L-14, issue 13).

The app, the reports and `pia assess` word the citations of red flags, rights and rules; the JSON report
carries the record itself. A United States city's record must not cite the GDPR or the Convention as its
law, nor an EU one the UK's Equality Act, while an assessment whose jurisdiction is not known yet drops
nothing (the reader has not said where they are).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pia.answers import AnswerSet, load
from pia.assess import assess
from pia.references import anchor_of, applies_in, is_convention

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"
CASES = ROOT / "tests" / "cases"
FILES = sorted(EXAMPLES.glob("*.yaml")) + sorted(p for p in CASES.glob("*.yaml") if not p.name.endswith(".flags.yaml"))


def _cited(a) -> list[tuple[str, str]]:
    out = [(f.id, ref) for f in a.red_flags for ref in f.anchors]
    for r in a.rights:
        out += [(r.id, ref) for ref in r.anchors]
        out += [(h.id, ref) for h in r.rule_hits for ref in h.anchors]
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_citation_of_the_record_applies_in_its_jurisdiction(camera, path):
    answers, _ = load(path)
    a = assess(camera, answers)
    assert a.jurisdiction is not None
    catalogue = {x.cite: x for x in camera.rules.anchors} | {x.id: x for x in camera.rules.anchors}
    party = answers.answers.get("echr_party")
    for owner, ref in _cited(a):
        anchor = anchor_of(ref, catalogue)
        if a.jurisdiction == "international" and is_convention(anchor):
            assert party != "no", (path.stem, owner, ref)
            continue
        assert applies_in(anchor, a.jurisdiction), (path.stem, a.jurisdiction, owner, ref)


def test_a_us_city_record_cites_neither_eu_law_nor_the_convention(camera):
    a = assess(camera, load(CASES / "seattle-spd-alpr.yaml")[0])
    cited = " | ".join(ref for _, ref in _cited(a))
    assert "ICCPR Art. 17" in cited and "State plate-reader statute (retention and sharing limits)" in cited
    for foreign in ("GDPR", "ECHR", "AI Act", "Directive (EU) 2016/680", "Equality Act 2010"):
        assert foreign not in cited, foreign


def test_while_the_jurisdiction_is_unknown_nothing_is_dropped(camera):
    answers, _ = load(CASES / "seattle-spd-alpr.yaml")
    unknown = dict(answers.answers, jurisdiction="unknown")
    a = assess(camera, AnswerSet(answers.questionnaire, answers.questionnaire_version, dict(answers.meta),
                                 unknown, dict(answers.evidence)))
    assert a.jurisdiction is None
    raw = {r.id: list(r.anchors) for r in camera.rules.rights}
    assert {r.id: r.anchors for r in a.rights} == raw
    flags = {f.id: f for f in camera.rules.red_flags}
    assert all(f.anchors == list(flags[f.id].anchors) for f in a.red_flags)


def test_an_international_record_keeps_the_convention_for_a_party_only(camera):
    serbia = assess(camera, load(CASES / "belgrade-safe-city.yaml")[0])
    argentina = assess(camera, load(CASES / "buenos-aires-srfp.yaml")[0])
    assert any(ref.startswith("ECHR") for _, ref in _cited(serbia))
    assert not any(ref.startswith("ECHR") for _, ref in _cited(argentina))
