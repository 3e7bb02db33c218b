"""How long assess() takes: the mini fixture, the engine fixture and a large synthetic instrument.

Run: python benchmarks/bench_assess.py   (prints medians; not a test, asserts nothing)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import median_ms  # noqa: E402

from pia.answers import AnswerSet  # noqa: E402
from pia.assess import assess  # noqa: E402
from pia.loader import load_questionnaire  # noqa: E402


def synthetic(n_questions: int, n_rights: int, n_rules: int, n_flags: int, n_mits: int) -> str:
    """A large but valid instrument: yes/no questions, rules over pairs of them."""
    lines = ["id: synthetic", "title: Synthetic", "version: 1.0.0", "sections:", "  - id: s", "    title: S",
             "    questions:"]
    for i in range(n_questions):
        lines.append(f"      - {{id: q{i}, type: yes_no, label: Question {i}}}")
    lines += ["      - id: plan", "        type: group", "        label: Plan", "        required: false",
              "        fields:", "          - id: mitigation", "            type: single_choice",
              "            label: M", "            options:"]
    lines += [f"              - {{value: M-{i}, label: M {i}}}" for i in range(n_mits)]
    lines += ["          - id: state", "            type: single_choice", "            label: State",
              "            options:"]
    lines += [f"              - {{value: {s}, label: {s}}}" for s in ("proposed", "planned", "implemented", "verified")]
    lines += ["          - {id: owner, type: text, label: Owner, required: false}",
              "          - {id: due, type: date, label: Due, required: false}",
              "          - {id: evidence, type: text, label: Evidence, required: false}"]
    lines.append("rights:")
    lines += [f"  - {{id: r{i}, name: Right {i}}}" for i in range(n_rights)]
    lines.append("red_flags:")
    for i in range(n_flags):
        a, b = i % n_questions, (i * 7 + 3) % n_questions
        lines.append(f"  - {{id: RF-{i}, title: Flag {i}, outcome: do_not_proceed, when: {{all: "
                     f"[{{question: q{a}, op: equals, value: 'yes'}}, {{question: q{b}, op: equals, value: 'yes'}}]}}}}")
    lines.append("risk_rules:")
    dims = ("scale", "scope", "irremediability", "likelihood")
    for i in range(n_rules):
        a, b = i % n_questions, (i * 13 + 5) % n_questions
        lines.append(f"  - {{id: R-{i}, right: r{i % n_rights}, harm: Harm {i}, floors: {{{dims[i % 4]}: {1 + i % 4}}}, "
                     f"when: {{any: [{{question: q{a}, op: equals, value: 'yes'}}, {{question: q{b}, op: equals, value: 'no'}}]}}}}")
    lines.append("mitigation_question: plan")
    lines.append("mitigations:")
    for i in range(n_mits):
        lines.append(f"  - {{id: M-{i}, title: M {i}, evidence: E, reduces: [{{right: r{i % n_rights}, "
                     f"dimension: {dims[i % 4]}}}]}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    mini = load_questionnaire(ROOT / "tests/fixtures/mini/mini.yaml")
    mini_answers = AnswerSet("mini", mini.version, {}, {
        "jurisdiction": "eu", "technologies": ["live_fr", "cctv"], "law_enforcement": "no", "at_assemblies": "yes",
        "system_name": "x", "purpose": "p", "camera_count": 150, "sites": [{"name": "a", "kind": "school", "cameras": 3}],
        "legal_basis": "statute", "big_system_review": "unknown", "school_safeguards": "x",
        "mitigations": [{"mitigation": "M-GEOFENCE", "state": "verified", "evidence": "e"}],
    })
    print(f"mini fixture: assess {median_ms(lambda: assess(mini, mini_answers), 2000):.3f} ms median; "
          f"to_json {median_ms(lambda: assess(mini, mini_answers).to_json(), 500):.3f} ms (assess + json)")

    eng = load_questionnaire(ROOT / "tests/fixtures/engine/engine.yaml")
    from pia.answers import load

    busy, _ = load(ROOT / "tests/fixtures/engine/answers/busy.yaml")
    print(f"engine fixture (busy answers): assess {median_ms(lambda: assess(eng, busy), 2000):.3f} ms median")

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "synthetic.yaml"
        p.write_text(synthetic(300, 10, 600, 60, 40), encoding="utf-8")
        t = time.perf_counter()
        big = load_questionnaire(p)
        load_ms = (time.perf_counter() - t) * 1000
    answers = {f"q{i}": ("yes" if i % 3 else ("no" if i % 2 else "unknown")) for i in range(300)}
    answers["plan"] = [{"mitigation": f"M-{i}", "state": "verified", "evidence": "e"} for i in range(40)]
    big_answers = AnswerSet("synthetic", "1.0.0", {}, answers)
    print(f"synthetic (300 questions, 10 rights, 600 rules, 60 red flags, 40 mitigations): "
          f"load {load_ms:.0f} ms once; assess {median_ms(lambda: assess(big, big_answers), 50):.2f} ms median")


if __name__ == "__main__":
    main()
