"""The action plan: derived from the answers, overdue against an injected date, CSV and iCalendar exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner

from pia.answers import load
from pia.cli import main as cli
from pia.loader import find_questionnaire, load_cached
from pia.signoff import actions as plan
from tests.signoff.conftest import FIXTURES

ROOT = FIXTURES.parents[1]
TODAY = dt.date(2027, 1, 20)


def test_plan_comes_from_the_answers_and_overdue_uses_the_given_date(mini, complete):
    items = plan.action_plan(mini, complete.answers)
    assert [(i.mitigation, i.state, i.owner, i.due) for i in items] == [
        ("M-ACCESS-LOG", "verified", "IT security lead", dt.date(2027, 1, 15)),
        ("M-GEOFENCE", "planned", "Police liaison", dt.date(2027, 2, 1))]
    assert items[0].title == "Access control and audit log"
    assert plan.overdue(items, TODAY) == []                            # the late one is verified
    assert [i.mitigation for i in plan.overdue(items, dt.date(2027, 2, 2))] == ["M-GEOFENCE"]
    assert plan.overdue(items, dt.date(2027, 2, 1)) == []              # due today is not overdue


def test_store_derives_the_plan_from_the_draft_and_logs_the_export(store, mini, complete):
    d = store.create(complete, q=mini).id
    rows = complete.answers["mitigations"] + [{"mitigation": "M-GEOFENCE", "state": "proposed",
                                               "owner": "=HYPERLINK(\"http://x\")", "due": "2026-12-01"}]
    store.save(d, complete.with_answer("mitigations", rows), base=1, q=mini)
    assert [i.row for i in store.action_plan(d, mini)] == [1, 2, 3]       # the newest revision, not a copy
    assert len(store.action_plan(d, mini, revision=1)) == 2
    data = store.export_actions(d, mini, "csv", TODAY)
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["Row", "Safeguard id", "Safeguard", "State", "Owner", "Due date", "Overdue", "Evidence"]
    assert table[3][4] == "'=HYPERLINK(\"http://x\")" and table[3][6] == "Overdue" and table[1][6] == "No"
    ics = store.export_actions(d, mini, "ics", TODAY)
    assert ics.count(b"BEGIN:VEVENT") == 3
    log = store.audit_log(d)
    assert [(e.action, e.detail["what"]) for e in log[-2:]] == [("exported", "action plan csv"),
                                                                  ("exported", "action plan ics")]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1", " @x"])
def test_csv_neutralises_formula_cells(cell):
    assert plan.neutralise(cell) == "'" + cell
    item = plan.ActionItem(1, "M-X", cell, "planned", cell, None, cell)
    rows = list(csv.reader(io.StringIO(plan.to_csv([item], TODAY).decode("utf-8-sig"))))
    assert rows[1][2] == rows[1][4] == rows[1][7] == "'" + cell


@pytest.mark.parametrize("cell", ["Police liaison", "2027-01-15", "a=b", "1-2", "", "'quoted"])
def test_csv_leaves_ordinary_cells_alone(cell):
    assert plan.neutralise(cell) == cell


def test_ics_follows_rfc_5545():
    long_title = "Données: très longue mesure; avec, virgules\\ et retour\nà la ligne " * 3
    items = [plan.ActionItem(1, "M-A", long_title, "planned", "Zoë", dt.date(2027, 3, 1), ""),
             plan.ActionItem(2, "M-B", "No date", "planned", "", None, "")]
    data = plan.to_ics("draft-1", "Square", items, dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC),
                       plan.Schedule(dt.date(2027, 12, 1), dt.date(2029, 1, 1)))
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")       # CRLF only
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)                                      # folded at 75 octets
    unfolded = data.decode("utf-8").replace("\r\n ", "").split("\r\n")                 # folding splits no character
    assert unfolded[:4] == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pia//action plan//EN", "CALSCALE:GREGORIAN"]
    assert unfolded.count("BEGIN:VEVENT") == 3 and "END:VCALENDAR" in unfolded         # dated action, review, sunset
    summary = next(u for u in unfolded if u.startswith("SUMMARY:Données"))
    assert "mesure\\; avec\\, virgules\\\\ et retour\\nà la ligne" in summary
    assert "DTSTART;VALUE=DATE:20270301" in unfolded and "DTEND;VALUE=DATE:20270302" in unfolded
    assert "DTSTAMP:20261202T103000Z" in unfolded and "UID:draft-1-action-1@pia" in unfolded
    assert "DTSTART;VALUE=DATE:20271201" in unfolded and "DTSTART;VALUE=DATE:20290101" in unfolded


def test_due_for_review_lists_drafts_whose_review_or_sunset_date_has_come(store, mini, complete):
    q = load_cached(find_questionnaire("camera_hria"))
    example, _ = load(ROOT / "questionnaires/camera-hria/examples/school_cctv.yaml")
    assert q.question("next_review_date") is not None and q.question("sunset_date") is not None
    due = example.with_answer("next_review_date", "2027-01-10")
    later = example.with_answer("next_review_date", "2027-06-01").with_answer("sunset_date", "2030-01-01")
    a = store.create(due, q=q).id
    store.create(later, q=q)
    store.create(complete, q=mini)                           # an instrument without the dates
    assert [(i, s.review) for i, _, s in store.due_for_review(TODAY)] == [(a, dt.date(2027, 1, 10))]
    assert len(store.due_for_review(dt.date(2030, 1, 1))) == 2


def test_cli_actions_exit_codes_and_formats(tmp_path):
    path = ROOT / "tests/fixtures/mini/answers_complete.yaml"
    q = ["-q", str(ROOT / "tests/fixtures/mini/mini.yaml")]
    runner = CliRunner()
    ok = runner.invoke(cli, ["actions", *q, str(path), "--today", "2027-01-20"])
    assert ok.exit_code == 0 and "2. Geofence away from assemblies [Planned] Police liaison 2027-02-01\n" in ok.output
    late = runner.invoke(cli, ["actions", *q, str(path), "--today", "2027-02-02", "--format", "csv", "-o",
                               str(tmp_path / "plan.csv")])
    assert late.exit_code == 1 and "overdue: Geofence away from assemblies" in late.output
    text = runner.invoke(cli, ["actions", *q, str(path), "--today", "2027-02-02"])
    assert text.exit_code == 1 and "Police liaison 2027-02-01  OVERDUE\n" in text.output
    assert (tmp_path / "plan.csv").read_bytes().startswith("\ufeffRow,".encode())
    ics = runner.invoke(cli, ["actions", *q, str(path), "--format", "ics", "--today", "2027-01-01"])
    assert ics.exit_code == 0 and ics.output.count("BEGIN:VEVENT") == 2
    bad = runner.invoke(cli, ["actions", *q, str(path), "--today", "tomorrow"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
