"""docs/authoring.md stays true: its local module and local red flag load and work."""

from __future__ import annotations

import re
import shutil

from pia.answers import load, visible_questions
from pia.assess import assess
from pia.loader import load_questionnaire
from pia.yamlio import dump, load_file

from .conftest import INSTRUMENT_DIR, ROOT

DOC = ROOT / "docs" / "authoring.md"


def _snippets() -> dict[str, str]:
    """YAML blocks of the guide that start with '# file: NAME'."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    out = {}
    for block in blocks:
        first = block.splitlines()[0]
        if first.startswith("# file: "):
            out[first[len("# file: "):].strip()] = block
    return out


def test_guide_snippets_extend_the_instrument(tmp_path):
    snippets = _snippets()
    assert set(snippets) == {"local_lindau.yaml", "local_lindau_rules.yaml"}
    folder = tmp_path / "camera-hria"
    shutil.copytree(INSTRUMENT_DIR, folder)
    for name, body in snippets.items():
        (folder / name).write_text(body, encoding="utf-8")
    core = load_file(folder / "camera_hria.yaml").data
    core["modules"] += list(snippets)
    (folder / "camera_hria.yaml").write_text(dump(core), encoding="utf-8")

    q = load_questionnaire(folder / "camera_hria.yaml")
    ids = [s.id for s in q.sections]
    assert ids.index("lindau_register") > ids.index("locations")

    town, _ = load(INSTRUMENT_DIR / "examples" / "town_centre_cctv_large.yaml")
    assert "lindau_register_entry" in visible_questions(q, town.answers)
    car_parks_only = dict(town.answers, places=["car_parks"])
    assert "lindau_register_entry" not in visible_questions(q, car_parks_only)

    retro, _ = load(INSTRUMENT_DIR / "examples" / "retrospective_fr_central_square.yaml")
    a = assess(q, retro)
    assert a.outcome == "prohibited"
    assert "RF-LINDAU-FR-BAN" in {f.id for f in a.red_flags if f.status == "triggered"}
    assert assess(q, town).outcome == "revise"  # no face recognition: the local flag stays quiet


def test_rule_quoted_in_the_guide_is_the_real_rule():
    text = DOC.read_text(encoding="utf-8")
    quoted = re.search(r"```yaml\n(  - id: R-PRIV-SCOPE-DISTRICT\n.*?)```", text, re.S).group(1)
    assert quoted in (INSTRUMENT_DIR / "rules.yaml").read_text(encoding="utf-8")
