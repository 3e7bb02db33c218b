"""An outside author adds a technology module from the docs alone (review 2026-11, authoring-review.md).

A copy of the instrument gets the acoustic gunshot-detection module of the review's patch
(tests/fixtures/authoring/, with its three new citations catalogued), its screening option,
its safeguard in the plan and an example. Every message `pia validate` and `pia assess` give
on the way must name the file (and line), the item, and a fix; the fixes they name must make
the module ready to publish; and each mistake the reviewer made is reported where it is, once.
No count of messages, questions or files is pinned: the instrument may grow.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pia.cli import main

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "questionnaires" / "camera-hria"
FIXTURES = Path(__file__).parent / "fixtures" / "authoring"
MODULE, EXAMPLE = "gunshot_detection.yaml", "examples/gunshot_detection_eastside.yaml"
# A message gives a fix when it says what to do.
FIX = re.compile(r"\b(add|remove|did you mean|name each|write|move|condition on|fix|replace|give|cite|"
                 r"validate the core|raise|valid \w+ ids)\b")


def edit(path: Path, old: str, new: str) -> None:
    source = path.read_text(encoding="utf-8")
    assert old in source, (path.name, old)
    path.write_text(source.replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """The instrument with the module added the way the review's patch added it."""
    out = tmp_path / "camera-hria"
    shutil.copytree(INSTRUMENT, out)
    shutil.copy(FIXTURES / MODULE, out / MODULE)
    shutil.copy(FIXTURES / Path(EXAMPLE).name, out / EXAMPLE)
    core = out / "camera_hria.yaml"
    source = core.read_text(encoding="utf-8")
    # The screening option, the module in the list, the safeguard in the plan: as the patch did, found by shape
    # rather than by line so the test survives edits elsewhere in the core file.
    source = re.sub(r"(\n( +)- \{value: analytics, label: [^\n]*\n)",
                    r'\1\2- {value: gunshot_detection, label: "Acoustic gunshot detection sensors"}\n', source, count=1)
    source = re.sub(r"(\nmodules:\n(?:  - [^\n]+\n)+)", rf"\1  - {MODULE}\n", source, count=1)
    source = re.sub(r"(\n( +)- \{value: M-BODYCAM-POLICY, label: [^\n]*\n)",
                    r'\1\2- {value: M-GSD-AUDIO-MINIMISE, label: "Sound limited to the gunfire impulse"}\n',
                    source, count=1)
    core.write_text(source, encoding="utf-8")
    version = re.search(r"^version: (\S+)", source, re.M).group(1)
    edit(out / EXAMPLE, "questionnaire_version: 1.1.0", f"questionnaire_version: {version}")
    return out


def validate(*args: str | Path) -> tuple[int, list[str]]:
    """Exit code and the message lines (problems and warnings), without the summary lines."""
    res = CliRunner().invoke(main, ["validate", *map(str, args)])
    assert "Traceback" not in res.output
    lines = [x.removeprefix("warning: ") for x in res.stderr.splitlines()]
    return res.exit_code, [x for x in lines if not re.search(r"^\d+ (problem|warning)s? ", x)]


def assert_actionable(lines: list[str], folder: Path) -> None:
    for line in lines:
        assert line.startswith(str(folder) + "/"), f"names no file: {line}"
        assert re.search(r"'[^']+'|\b[\w-]+\.yaml\b.*\bhas no row", line), f"names no item: {line}"
        assert FIX.search(line), f"gives no fix: {line}"


def fix_everything(folder: Path) -> None:
    """What the messages say to do: name each rule's harm, link the safeguards to harms, list the example."""
    module = folder / MODULE
    for rule, harm in [("R-PRIV-GSD-AUDIO", "H-GSD-AUDIO"), ("R-PRIV-GSD-RETENTION", "H-GSD-RETENTION"),
                       ("R-ND-GSD-CONCENTRATED", "H-GSD-CONCENTRATED"), ("R-DP-GSD-FALSE-ALERTS", "H-GSD-FALSE-ALERTS")]:
        edit(module, f"  - id: {rule}\n", f"  - id: {rule}\n    harm_id: {harm}\n")
    edit(module, "reduces: [{right: privacy, dimension: scale}, {right: privacy, dimension: irremediability}]",
         "reduces: [{harm: H-GSD-AUDIO, dimension: scale}, {harm: H-GSD-RETENTION, dimension: irremediability}]")
    module.write_text(module.read_text(encoding="utf-8") + (
        "  - id: M-GSD-FAIR-DEPLOYMENT\n"
        "    title: Sensors placed by evidence, alerts confirmed before an armed response\n"
        "    description: Placement follows recorded gunfire across the city, and a dispatcher listens to each clip\n"
        "      before officers are sent.\n"
        "    reduces: [{harm: H-GSD-CONCENTRATED, dimension: likelihood}, {harm: H-GSD-FALSE-ALERTS, dimension: "
        "likelihood}]\n"
        "    evidence: Placement analysis and a month of dispatch logs showing each alert reviewed\n"
        '    anchors: ["ICCPR Art. 26"]\n'), encoding="utf-8")
    edit(folder / "camera_hria.yaml", '- {value: M-GSD-AUDIO-MINIMISE, label: "Sound limited to the gunfire impulse"}\n',
         '- {value: M-GSD-AUDIO-MINIMISE, label: "Sound limited to the gunfire impulse"}\n'
         '              - {value: M-GSD-FAIR-DEPLOYMENT, label: "Sensors placed by evidence"}\n')
    readme = folder / "examples" / "README.md"
    edit(readme, "\n| `live_fr_police_unauthorised.yaml`",
         "\n| `gunshot_detection_eastside.yaml` | Sixty acoustic sensors | us_city | do not proceed |"
         "\n| `live_fr_police_unauthorised.yaml`")


def test_the_module_as_written_gets_every_finding_with_its_file_item_and_fix(folder):
    code, lines = validate(folder / "camera_hria.yaml")
    assert code == 0, lines   # publication findings are warnings until --complete
    assert lines
    assert_actionable(lines, folder)
    text = "\n".join(lines)
    assert f"{MODULE}:" in text and "names no harm; add `harm_id: H-...`" in text
    assert "reduces the whole right 'privacy'; name each harm it treats instead" in text
    assert "gunshot_detection_eastside.yaml has no row in this table" in text
    assert validate("--complete", folder / "camera_hria.yaml")[0] == 2


def test_the_fixes_the_messages_name_make_it_ready_to_publish(folder):
    fix_everything(folder)
    code, lines = validate("--complete", "-q", folder / "camera_hria.yaml", folder / "camera_hria.yaml", folder / EXAMPLE)
    assert (code, lines) == (0, []), "\n".join(lines)
    res = CliRunner().invoke(main, ["assess", "-q", str(folder / "camera_hria.yaml"), str(folder / EXAMPLE)])
    assert res.exit_code == 0 and "RF-GSD-CONVERSATIONS" in res.output


def test_a_module_checked_alone_is_checked_with_its_core(folder):
    """The reviewer's natural first try gave 15 messages, 12 of them false; now it is the core's check."""
    res = CliRunner().invoke(main, ["validate", str(folder / MODULE)])
    assert f"a module of {folder / 'camera_hria.yaml'}" in res.output
    assert validate(folder / MODULE)[1] == validate(folder / "camera_hria.yaml")[1]
    assert "unknown question 'technologies'" not in res.output


# (mistake, file edited, old, new, what the message must say, file it must point at)
MISTAKES = [
    ("M1 condition on a later question", MODULE,
     "when: {question: gsd_audio_capture, op: not_equals, value: metadata_only}\n        options:\n"
     "          - {value: filtered",
     "when: {question: gsd_audio_retention, op: equals, value: up_to_72h}\n        options:\n          - {value: filtered",
     "'gsd_audio_retention' is not asked before this question; a condition may only look back: condition on a "
     "question asked earlier, or move 'gsd_audio_retention' before it", MODULE),
    ("M2 right spelt as in prose", MODULE, "right: non_discrimination", "right: non-discrimination",
     "unknown right 'non-discrimination'; did you mean 'non_discrimination'?", MODULE),
    ("M3 misspelt field", MODULE, "max_reduction: 1", "max_reducton: 1",
     "unknown field 'max_reducton'; did you mean 'max_reduction'?", MODULE),
    ("S1 safeguard not in the plan", "camera_hria.yaml",
     '              - {value: M-GSD-AUDIO-MINIMISE, label: "Sound limited to the gunfire impulse"}\n', "",
     "safeguard 'M-GSD-AUDIO-MINIMISE' is not offered in the safeguard plan: add `- {value: M-GSD-AUDIO-MINIMISE, "
     "label: ...}` to the options of field 'mitigation' of question 'mitigation_plan'", MODULE),
    ("wrong value in a when", MODULE, "when: {question: technologies, op: contains, value: gunshot_detection}\n    intro",
     "when: {question: technologies, op: contains, value: gunshot}\n    intro",
     "technologies offers no choice 'gunshot'; did you mean 'gunshot_detection'?", MODULE),
    ("unknown framework element", MODULE, "elements: [CCOPS-SIR-a, GDPR-35-3c", "elements: [CCOPS-SIR-z, GDPR-35-3c",
     "unknown framework element 'CCOPS-SIR-z'; did you mean", MODULE),
    ("bad after", MODULE, "after: locations", "after: location",
     "no section 'location' to place this module after; did you mean 'locations'?", MODULE),
    ("unknown harm in a safeguard", MODULE, "{harm: H-GSD-AUDIO, dimension: scale}",
     "{harm: H-GSD-AUDIOS, dimension: scale}",
     "unknown harm 'H-GSD-AUDIOS'; name a risk rule's harm_id; did you mean 'H-GSD-AUDIO'?", MODULE),
    ("unexplained abbreviation", MODULE, "label: How many acoustic sensors will be installed?",
     "label: How many AGD sensors will be installed?",
     "question 'gsd_sensor_count': abbreviation 'AGD' is not explained anywhere; write it out once", MODULE),
    ("question without elements", MODULE, "        elements: [CCOPS-SIR-a, GDPR-35-3c, GDPR-35-7a]\n", "",
     "question 'gsd_sensor_count': no framework element; add `elements: [...]`", MODULE),
    ("module section without when", MODULE,
     "    when: {question: technologies, op: contains, value: gunshot_detection}\n    intro", "    intro",
     "section 'gunshot_detection': a module's section must say when it is asked; add `when:`", MODULE),
    ("a question that can never show", MODULE,
     "when: {question: gsd_audio_capture, op: not_equals, value: metadata_only}\n        options:\n"
     "          - {value: filtered",
     "when: {question: gsd_sensor_count, op: lt, value: 0}\n        options:\n          - {value: filtered",
     "question 'gsd_voice_capture': never shown in 400 random assessments", MODULE),
    ("version in a module", MODULE, "after: locations", "after: locations\nversion: 1.0.0",
     "only the core file carries a version; remove it here", MODULE),
    ("example answers a hidden question", EXAMPLE, "  gsd_sensor_count:", "  human_review: two_person\n  gsd_sensor_count:",
     "answers question 'human_review', which these answers hide; an example answers only what it shows: remove it",
     EXAMPLE),
    ("example misses a required answer", EXAMPLE, "  child_justification: 'no'\n", "",
     "required question 'child_justification' is not answered; an example must be complete: add `child_justification:`",
     EXAMPLE),
    ("example claims another outcome", EXAMPLE, "Intended outcome: do_not_proceed.", "Intended outcome: revise.",
     "says 'Intended outcome: revise.' but pia assess gives do_not_proceed; fix the answers or the first line", EXAMPLE),
]


@pytest.mark.parametrize(("name", "file", "old", "new", "says", "at"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_reported_where_it_is_with_a_fix(folder, name, file, old, new, says, at):
    fix_everything(folder)
    edit(folder / file, old, new)
    code, lines = validate("--complete", folder / "camera_hria.yaml")
    assert code == 2
    assert_actionable(lines, folder)
    hits = [x for x in lines if says in x]
    assert hits, "\n".join(lines)
    assert all(x.startswith(f"{folder / at}:") for x in hits), hits
    if name[:2] in ("M1", "M2", "M3", "S1"):   # the reviewer's: no cascade into another file
        assert {x.split(":")[0] for x in lines} == {str(folder / at)}, lines


def test_answers_still_missing_are_named_by_validate_and_assess(folder):
    fix_everything(folder)
    draft = folder / "draft.yaml"
    draft.write_text((folder / EXAMPLE).read_text(encoding="utf-8").replace("  child_justification: 'no'\n", "")
                     + "  human_review: two_person\n", encoding="utf-8")
    code, lines = validate("-q", folder / "camera_hria.yaml", draft)
    assert code == 0
    assert_actionable(lines, folder)
    text = "\n".join(lines)
    assert "required question 'child_justification'" in text
    assert "asked because places includes schools or affected_groups includes children" in text
    assert "answers question 'human_review', which is asked only when technologies includes any of" in text
    assert validate("--complete", "-q", folder / "camera_hria.yaml", draft)[0] == 2
    res = CliRunner().invoke(main, ["assess", "-q", str(folder / "camera_hria.yaml"), str(draft)])
    assert "required still missing: child_justification (" in res.output
