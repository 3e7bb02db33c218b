"""Review and sign-off by three people who log in through a real OpenID Connect provider, in real Chromium.

The app runs as `streamlit run app.py` with Streamlit's own st.login
configured (secrets file) against the Authlib provider in tests/oidc_provider
on loopback, and the municipality's key made by `pia keygen`. Each person has
their own browser context (their own cookies): the author drafts and hands
out roles, the reviewer marks a section "to correct" and comments, the author
fixes the answer and resolves the thread, the reviewer marks it acceptable,
the approver attests and signs. The signed Word report verifies with
`pia verify`, and fails once one answer in it is edited; the app says the
same of the edited report on upload, and shows the sign-off as out of date
after the author changes an answer. The audit log of the flow is written to
the test's folder (and printed) for the record.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oidc_provider import Provider, User
from tests.serverkit import ROOT, RunWatch, free_port, start_server

pytestmark = pytest.mark.e2e

USERS = [User("alice", "alice-pw", "alice@example.org", "Alice Author"),
         User("rita", "rita-pw", "rita@example.org", "Rita Reviewer"),
         User("anna", "anna-pw", "anna@example.org", "Anna Approver")]
INSTRUMENT = "Mini camera assessment (test fixture) (version 1.2.0)"


class App:
    def __init__(self, url: str, db_url: str, key: Path, provider: Provider, tmp: Path):
        self.url, self.db_url, self.key, self.provider, self.tmp = url, db_url, key, provider, tmp


def pia(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pia", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def app(tmp_path_factory, fixtures) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("signoff-e2e")
    made = pia("keygen", str(tmp / "city.key"))
    assert made.returncode == 0, made.stdout + made.stderr
    provider = Provider(USERS).start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    client_id, client_secret = provider.register(f"{url}/oauth2callback")
    (tmp / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        f'client_id = "{client_id}"\n'
        f'client_secret = "{client_secret}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n', encoding="utf-8")
    db_url = f"sqlite:///{tmp / 'drafts.db'}"
    proc = start_server(port, db_url, tmp / "server.log", fixtures / "mini",
                        extra_args=("--secrets.files", str(tmp / "secrets.toml")),
                        extra_env={"PIA_SIGNING_KEY": str(tmp / "city.key")})
    yield App(url, db_url, tmp / "city.key.pub", provider, tmp)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    provider.stop()


@pytest.fixture
def person(browser):  # noqa: ANN001
    """A fresh browser context (its own cookies) per person; closed at the end of the test."""
    contexts = []

    def make():  # noqa: ANN202
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        RunWatch().attach(pg)   # idle() waits for the runs this person's clicks asked for
        return pg

    yield make
    for ctx in contexts:
        ctx.close()


def log_in(page, app: App, user: User, idle) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.goto(app.url)
    idle(page)
    expect(page.get_by_text("Log in to see the assessments")).to_be_visible()
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Sign in to the test identity provider")).to_be_visible()
    assert page.url.startswith(app.provider.issuer + "/authorize")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile("^" + re.escape(app.url)))
    idle(page)
    expect(page.get_by_text("Signed in as")).to_contain_text(seen(user.email))


def shot(page, name: str) -> None:  # noqa: ANN001
    """With PIA_SCREENSHOTS set to a folder, keep a full-page picture of this moment."""
    folder = os.environ.get("PIA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"signoff-{name}.png"), full_page=True)


def seen(text: str) -> str:
    """How the page shows text with an e-mail address: pia.ui.safe.md puts a word joiner after "@"."""
    return text.replace("@", "@\u2060")


def visit(page, app: App, where: str, draft: str, idle) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.goto(f"{app.url}/{where}?draft={draft}")
    idle(page)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def key(page, k: str):  # noqa: ANN001, ANN201
    return page.locator(f".st-key-{k}")


def choose_radio(page, k: str, label: str, idle) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    key(page, k).get_by_text(label, exact=True).click()
    expect(key(page, k).get_by_role("radio", name=label, exact=True)).to_be_checked()
    idle(page)


def flash(page, text: str):  # noqa: ANN001, ANN201
    return page.get_by_test_id("stAlertContainer").filter(has_text=text)


def screening_box(page):  # noqa: ANN001, ANN201
    """The reviewer's expander for the Screening section (its mark form is inside)."""
    return page.get_by_test_id("stExpander").filter(has_text="Screening —")


def open_tab(page, name: str) -> None:  # noqa: ANN001
    """Choose a part of the Sign-off page (a radio, so the choice survives a form's rerun)."""
    from playwright.sync_api import expect

    key(page, "so_part").get_by_text(name, exact=True).click()
    expect(key(page, "so_part").get_by_role("radio", name=name, exact=True)).to_be_checked()
    landmark = {"Review": "Section review", "Records and decision": "Data protection officer's advice",
                "People and roles": "Give someone a role on this draft"}[name]
    expect(page.get_by_text(landmark).first).to_be_visible()     # the part is drawn, not just chosen


def test_author_reviewer_approver_sign_and_verify(app, person, idle, tmp_path):  # noqa: PLR0915
    from docx import Document
    from playwright.sync_api import expect

    from pia import wording
    from pia.signoff.audit import as_text
    from pia.signoff.records import ATTESTATIONS
    from pia.store import Store
    from tests.signoff.test_flow import edit_docx_answer

    alice_u, rita_u, anna_u = USERS
    alice, rita, anna = person(), person(), person()

    # An anonymous visitor sees the login page and nothing else.
    alice.goto(app.url)
    idle(alice)
    expect(alice.get_by_role("button", name="Log in")).to_be_visible()
    expect(alice.get_by_role("link", name="Sign-off")).to_have_count(0)
    shot(alice, "0-login")
    expect(alice.get_by_text("Resume a saved draft")).to_have_count(0)

    # --- the author drafts and hands out roles -------------------------------------------------
    log_in(alice, app, alice_u, idle)
    alice.get_by_label("Questionnaire").click()
    alice.get_by_role("option", name=INSTRUMENT).click()
    alice.get_by_label("Title of the proposal").fill("Station square cameras")
    alice.get_by_role("button", name="Start the assessment").click()
    idle(alice)
    expect(alice.get_by_role("heading", name="Screening")).to_be_visible()
    draft = re.search(r"draft=([0-9a-f-]{36})", alice.url).group(1)
    choose_radio(alice, "w_jurisdiction", "European Union", idle)

    visit(alice, app, "signoff", draft, idle)
    expect(alice.get_by_text("You are owner, author.")).to_be_visible()
    expect(alice.get_by_text("Sign-off: Not signed off")).to_be_visible()
    open_tab(alice, "Records and decision")
    # What the author may not do is said, not hidden without a word.
    expect(alice.get_by_text("Only the approver may approve or reject it; you are owner, author")).to_be_visible()
    open_tab(alice, "People and roles")
    for who, role in ((rita_u.email, "Reviewer"), (anna_u.email, "Approver")):
        alice.get_by_label("Their login (e-mail address)").fill(who)
        key(alice, "so_grant_role").click()
        alice.get_by_role("option", name=role, exact=True).click()
        alice.get_by_role("button", name="Grant the role").click()
        idle(alice)
        expect(flash(alice, seen(f"{who} is now {role.lower()} on this draft."))).to_be_visible()
    # The store refuses the author as approver of their own draft, and the page says why.
    alice.get_by_label("Their login (e-mail address)").fill(alice_u.email)
    key(alice, "so_grant_role").click()
    alice.get_by_role("option", name="Approver", exact=True).click()
    alice.get_by_role("button", name="Grant the role").click()
    idle(alice)
    expect(flash(alice, "an author cannot approve their own assessment")).to_be_visible()

    # --- the reviewer marks the screening "to correct" and comments on the question ----------------
    log_in(rita, app, rita_u, idle)
    expect(rita.get_by_text("Station square cameras")).to_be_visible()     # listed: she has a role on it
    key(rita, f"arch_{draft}").get_by_role("button").click()               # F9: only the owner archives
    idle(rita)
    expect(rita.get_by_text(seen(f"Not done: {rita_u.email} may not archive it"))).to_be_visible()
    visit(rita, app, "signoff", draft, idle)
    expect(rita.get_by_text("You are reviewer.")).to_be_visible()
    rita.get_by_text("Screening — Not reviewed").click()
    choose_radio(rita, "so_mark_screening", "To correct", idle)
    key(rita, "so_mark_note_screening").locator("textarea").fill("The system is deployed in the United Kingdom.")
    screening_box(rita).get_by_role("button", name="Save the mark").click()
    idle(rita)
    expect(flash(rita, "Marked “Screening” to correct.")).to_be_visible()
    key(rita, "so_new_body").locator("textarea").fill("Jurisdiction: the council is in Leeds, not the EU.")
    rita.get_by_role("button", name="Add the comment").click()
    idle(rita)
    expect(flash(rita, "Comment added.")).to_be_visible()
    shot(rita, "1-review")
    # A reviewer reads the answers but cannot change them: the wizard shows them disabled and says why (the store
    # would refuse the save anyway: tests/signoff/test_permissions.py).
    visit(rita, app, "assessment", draft, idle)
    expect(rita.get_by_text("You may read this draft but not change its answers")).to_be_visible()
    expect(key(rita, "w_jurisdiction").get_by_role("radio", name="United States city", exact=True)).to_be_disabled()
    expect(key(rita, "w_jurisdiction").get_by_role("radio", name="European Union", exact=True)).to_be_checked()

    # --- the author sees the mark, fixes the answer and resolves the thread ------------------------------
    visit(alice, app, "assessment", draft, idle)
    expect(alice.get_by_role("button", name=re.compile(r"Screening .* To correct"))).to_be_visible()
    choose_radio(alice, "w_jurisdiction", "United Kingdom", idle)
    visit(alice, app, "signoff", draft, idle)
    expect(alice.get_by_text("1 section(s) marked to correct")).to_be_visible()
    thread = alice.locator("[class*='st-key-so_thread_']")
    expect(thread).to_contain_text("Jurisdiction: the council is in Leeds")
    thread.get_by_label("Note (what was done)").fill("Changed to United Kingdom.")
    thread.get_by_role("button", name="Resolve").click()
    idle(alice)
    expect(flash(alice, "Thread resolved.")).to_be_visible()
    shot(alice, "2-resolved")

    # --- the reviewer checks the fix and marks the section acceptable -------------------------------------
    visit(rita, app, "signoff", draft, idle)
    expect(rita.get_by_text("To correct — changed since")).to_be_visible()
    rita.get_by_text("Screening — To correct").click()
    choose_radio(rita, "so_mark_screening", "Acceptable", idle)
    screening_box(rita).get_by_role("button", name="Save the mark").click()
    idle(rita)
    expect(flash(rita, "Marked “Screening” acceptable.")).to_be_visible()

    # --- the approver attests and signs -------------------------------------------------------------------
    log_in(anna, app, anna_u, idle)
    visit(anna, app, "signoff", draft, idle)
    expect(anna.get_by_text("You are approver.")).to_be_visible()
    open_tab(anna, "Records and decision")
    # The draft leaves most answers open, so its outcome is open: approving it now needs the approver's reasons.
    expect(anna.get_by_text("The outcome is still open:")).to_be_visible()
    for attestation in ATTESTATIONS:
        words = wording.label(f"attest.{attestation}")
        anna.get_by_text(words, exact=True).click()
        expect(anna.get_by_role("checkbox", name=words)).to_be_checked()
    anna.get_by_label("Why approve while the outcome is still open").fill("A pilot of four weeks, reviewed after.")
    anna.get_by_role("button", name="Approve and sign").click()
    idle(anna)
    expect(flash(anna, "Approved and signed with the municipality's key.")).to_be_visible()
    expect(anna.get_by_text("Approved while open, because: A pilot of four weeks, reviewed after.")).to_be_visible()
    expect(anna.get_by_text("Sign-off: Approved and signed")).to_be_visible()
    shot(anna, "3-approved")

    # --- the signed report verifies, and an edited one does not --------------------------------------------
    visit(anna, app, "review", draft, idle)
    expect(anna.get_by_text("These answers are approved and signed")).to_be_visible()
    with anna.expect_download() as dl:
        anna.get_by_role("button", name="Full assessment (Word)").click()
    signed = tmp_path / "signed.docx"
    dl.value.save_as(signed)
    annex = "\n".join(p.text for p in Document(str(signed)).paragraphs)
    assert "Annex: audit log" in annex and "intact" in annex     # the full report carries the audit log
    assert re.search(rf"{re.escape(rita_u.email)}\s+marked\s", annex)
    assert re.search(rf"{re.escape(anna_u.email)}\s+decision\s", annex)
    ok = pia("verify", str(signed), "--public-key", str(app.key))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "VERIFIED" in ok.stdout and f"decided by {anna_u.email}" in ok.stdout
    assert f"review: section screening acceptable by {rita_u.email}" in ok.stdout
    edited = tmp_path / "edited.docx"
    edited.write_bytes(edit_docx_answer(signed.read_bytes(), "jurisdiction: uk", "jurisdiction: eu"))
    bad = pia("verify", str(edited), "--public-key", str(app.key))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "ALTERED" in bad.stdout and "changed since signing: jurisdiction" in bad.stdout

    # The app checks a signed report on upload.
    visit(anna, app, "", draft, idle)                                      # the start page is the root
    anna.locator("input[type=file]").first.set_input_files(str(edited))
    idle(anna)
    expect(anna.get_by_text("This report does not match its signature")).to_be_visible()
    expect(anna.get_by_text("changed since signing: jurisdiction")).to_be_visible()
    anna.locator("input[type=file]").first.set_input_files(str(signed))
    idle(anna)
    expect(anna.get_by_text("Signature verified")).to_be_visible()
    shot(anna, "4-upload-verified")

    # --- a change after signing makes the sign-off visibly stale ---------------------------------------------
    visit(alice, app, "assessment", draft, idle)
    choose_radio(alice, "w_law_enforcement", "No", idle)
    visit(alice, app, "signoff", draft, idle)
    expect(alice.get_by_text("Sign-off out of date")).to_be_visible()
    expect(alice.get_by_text("Changed since the decision: “Is the purpose law enforcement?”")).to_be_visible()
    shot(alice, "5-stale")

    # --- the audit log, in History and as the record of this flow -----------------------------------------
    visit(anna, app, "history", draft, idle)
    expect(anna.get_by_text("The log is intact")).to_be_visible()
    log = anna.get_by_test_id("stCode").filter(has_text="decision")
    shot(anna, "6-history")
    expect(log).to_contain_text(f"{anna_u.email}")   # code blocks show text as it is
    store = Store(app.db_url)
    entries = store.audit_log(draft)
    assert store.verify_audit(draft).ok
    text = as_text(entries)
    (app.tmp / "audit.txt").write_text(text, encoding="utf-8")
    print("\n--- audit log of the flow ---\n" + text)
    actions = [(e.actor, e.action) for e in entries]
    assert actions[0] == (alice_u.email, "created")
    for expected in [(rita_u.email, "marked"), (rita_u.email, "commented"), (alice_u.email, "resolved"),
                     (anna_u.email, "decision"), (anna_u.email, "exported")]:
        assert expected in actions, expected
    assert all(e.mode == "login" for e in entries)
    assert app.provider.logins == ["alice", "rita", "anna"]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory, fixtures) -> Iterator[str]:
    """The app behind a (pretend) reverse proxy: the operator names the header that carries the user."""
    tmp = tmp_path_factory.mktemp("proxy-e2e")
    port = free_port()
    proc = start_server(port, f"sqlite:///{tmp / 'drafts.db'}", tmp / "server.log", fixtures / "mini",
                        extra_env={"PIA_TRUSTED_USER_HEADER": "X-Forwarded-User"})
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_trusted_proxy_header_names_the_user_and_its_absence_is_refused(proxied, browser, idle):  # noqa: ANN001
    from playwright.sync_api import expect

    named = browser.new_context(extra_http_headers={"X-Forwarded-User": "paul@example.org"})
    bare = browser.new_context()
    try:
        page = named.new_page()
        RunWatch().attach(page)
        page.goto(proxied)
        idle(page)
        expect(page.get_by_text("Signed in as")).to_contain_text(seen("paul@example.org"))
        expect(page.get_by_role("button", name="Log out")).to_have_count(0)   # the proxy logs people out
        expect(page.get_by_text("Resume a saved draft")).to_be_visible()
        other = bare.new_page()
        RunWatch().attach(other)
        other.goto(proxied)
        idle(other)
        expect(other.get_by_text("expects its reverse proxy to say who you are")).to_be_visible()
        expect(other.get_by_text("Resume a saved draft")).to_have_count(0)
        expect(other.get_by_role("link", name="Sign-off")).to_have_count(0)
    finally:
        named.close()
        bare.close()


def test_unreadable_login_settings_refuse_everyone_instead_of_falling_back(tmp_path, fixtures, browser, idle):
    """A secrets file that cannot be parsed must not turn the server into single-user mode (every role to all)."""
    from playwright.sync_api import expect

    (tmp_path / "secrets.toml").write_text('[auth]\nredirect_uri = "http://127.0.0.1/oauth2callback\n')  # no quote
    port = free_port()
    proc = start_server(port, f"sqlite:///{tmp_path / 'drafts.db'}", tmp_path / "server.log", fixtures / "mini",
                        extra_args=("--secrets.files", str(tmp_path / "secrets.toml")),
                        extra_env={"PIA_TRUSTED_USER_HEADER": "X-Forwarded-User"})
    ctx = browser.new_context(extra_http_headers={"X-Forwarded-User": "paul@example.org"})
    try:
        page = ctx.new_page()
        RunWatch().attach(page)
        page.goto(f"http://127.0.0.1:{port}")
        idle(page)
        expect(page.get_by_text("Logins are configured, but their settings cannot be read")).to_be_visible()
        expect(page.get_by_text("Resume a saved draft")).to_have_count(0)
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        expect(page.get_by_text("Single-user mode")).to_have_count(0)
    finally:
        ctx.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
