"""Start page: a new assessment, a saved draft, or an answers file / report to load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from pia.answers import AnswerSet
from pia.errors import PiaError
from pia.intake import MAX_UPLOAD_BYTES
from pia.loader import load_cached
from pia.store import StoreError
from pia.text import text

from . import signoff_verify, state, uploads
from .safe import file_name, log, md, problem_lines, store_failure

ss = st.session_state
MAX_SHOWN_PROBLEMS = 15


def _instrument_label(path: str) -> str:
    """A select box option: plain text (not Markdown), and never a server path."""
    if not Path(path).is_file():
        return str(path)  # AppTest passes labels back through format_func; leave them as they are
    try:
        q = load_cached(path)
    except PiaError:
        return f"{file_name(path)} (cannot be loaded)"
    return f"{text(q.title)} (version {q.version})"


def _new_form() -> None:
    found = state.instruments()
    if not found:
        st.error("No questionnaires were found. Put one under questionnaires/ or set PIA_PATH to its folder.")
        return
    paths = [str(p) for _, p in found]
    with st.form("new_assessment", border=True):
        st.markdown("**Start a new assessment**")
        st.selectbox("Questionnaire", paths, format_func=_instrument_label, key="new_instrument")
        st.text_input("Title of the proposal", key="new_title", max_chars=200,
                      placeholder="e.g. Cameras on Station Square")
        st.text_input("Organisation", key="new_organisation", max_chars=200, placeholder="e.g. City of Utrecht")
        st.text_input("Prepared by", key="new_prepared_by", max_chars=200, placeholder="Your name and role")
        st.form_submit_button("Start the assessment", type="primary", on_click=_create, args=(state.intent("new"),),
                              icon=":material/play_arrow:")


def _create(made_as: str) -> None:
    """Start the assessment `made_as` (the form's intent: a repeated submit opens the draft already made)."""
    title = (ss.get("new_title") or "").strip()
    if not title:
        state.flash("error", "Give the proposal a title so you can find the draft again.")
        return
    path = ss["new_instrument"]
    try:
        q = load_cached(path)
    except PiaError as exc:
        log.error("questionnaire %s cannot be loaded: %s", path, exc)
        state.flash("error", f"The questionnaire {md(file_name(path))} cannot be loaded; choose another one. "
                             "`pia validate` on the server shows why.")
        return
    meta = {"title": title, "organisation": (ss.get("new_organisation") or "").strip(),
            "prepared_by": (ss.get("new_prepared_by") or "").strip(), "date": dt.date.today().isoformat()}
    meta = {k: v for k, v in meta.items() if v}
    if meta.get("prepared_by") and not ss.get(state.WHO):
        ss[state.WHO] = meta["prepared_by"]
    if state.new_draft(AnswerSet(q.id, q.version, meta, {}), path, note="created", made_as=made_as):
        state.request_page("wizard")


def _open(draft_id: str) -> None:
    if state.open_draft(draft_id):
        state.request_page("wizard")


def _archive(draft_id: str) -> None:
    s = state.store()
    if s is not None:
        try:
            s.archive(draft_id, not s.draft(draft_id).archived)
        except StoreError as exc:
            state.flash("error", store_failure("archiving a draft", exc))
        except PiaError as exc:   # e.g. not the owner: the store's one-line refusal
            state.flash("error", f"Not done: {md(exc)}")


def _cancel_delete() -> None:
    ss.pop("delete_pending", None)


@st.dialog("Delete this draft permanently?", on_dismiss=_cancel_delete)
def _confirm_delete(draft_id: str, title: str) -> None:
    st.markdown(f"**{md(title) or '(untitled)'}** and every one of its revisions will be erased from the database. "
                "This cannot be undone. Download the answers file first if you may need it again.")
    c1, c2 = st.columns(2)
    if c1.button("Delete permanently", key="confirm_delete", type="primary"):
        ss.pop("delete_pending", None)
        s = state.store()
        try:
            if s is not None:
                s.delete(draft_id)
                state.flash("success", f"Deleted “{md(title)}”.")
                if ss.get(state.DRAFT) == draft_id:
                    for key in (state.ANSWERS, state.QPATH, state.DRAFT, state.BASE):
                        ss.pop(key, None)
                    st.query_params.clear()
        except StoreError as exc:
            state.flash("error", store_failure("deleting a draft", exc))
        except PiaError as exc:
            state.flash("error", "\n".join(problem_lines(exc.problems, 3)))
        st.rerun()
    if c2.button("Keep it", key="cancel_delete"):
        ss.pop("delete_pending", None)
        st.rerun()


def _drafts() -> None:
    st.markdown("**Resume a saved draft**")
    s = state.store()
    if s is None:
        st.warning("Saved drafts are unavailable: the draft database cannot be used (see the message above).")
        return
    show_all = st.toggle("Show archived drafts", key="show_archived")
    try:
        drafts = s.drafts(include_archived=show_all)
    except PiaError as exc:
        st.error(store_failure("listing the drafts", exc))
        return
    if not drafts:
        st.caption("No saved drafts yet. Every assessment you start is saved here automatically.")
        return
    for d in drafts[:50]:
        with st.container(border=True, key=f"draft_{d.id}"):
            c1, c2 = st.columns([4, 1.6], vertical_alignment="center")
            with c1:
                who = f" by {md(d.updated_by)}" if d.updated_by else ""
                org = f" — {md(d.organisation)}" if d.organisation else ""
                st.markdown(f"**{md(d.title) or '(untitled)'}**{org}")
                st.caption(f"{md(d.questionnaire)} {md(d.questionnaire_version)} · revision {d.head} · "
                           f"saved {d.updated_at:%Y-%m-%d %H:%M} UTC{who}" + (" · archived" if d.archived else ""))
            with c2:
                st.button("Open", key=f"open_{d.id}", on_click=_open, args=(d.id,), type="primary",
                          help=f"Continue “{md(d.title)}”", width="stretch")
                st.button("Unarchive" if d.archived else "Archive", key=f"arch_{d.id}", on_click=_archive,
                          args=(d.id,), help="Archived drafts are kept but hidden from this list", width="stretch")
                if d.archived:
                    st.button("Delete…", key=f"del_{d.id}", width="stretch", help="Erase this draft and its history",
                              on_click=ss.__setitem__, args=("delete_pending", (d.id, d.title)))
    pending = ss.get("delete_pending")
    if pending:   # called on every run while pending, so the dialog's own buttons keep working
        _confirm_delete(*pending)
    if len(drafts) > 50:
        st.caption(f"Showing the 50 most recent of {len(drafts)} drafts.")


def _upload() -> None:
    st.markdown("**Load an answers file or a pia report**")
    st.caption("An answers file (.yaml) saved from pia, or a Word report (.docx) made by pia: its answers are "
               f"inside it. Up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Loading makes a new draft; "
               "nothing already saved is changed.")
    up = st.file_uploader("Answers file or report", type=["yaml", "yml", "docx"], key="upload",
                          max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
    checked = uploads.check("upload", up, lambda: uploads.opened(up))
    if checked is None:
        return
    name = md(up.name)
    signoff_verify.show(up)   # a signed report: is it the decision as signed?
    if not checked.ok:
        st.error(f"**{name} cannot be loaded.** Nothing was changed.\n\n"
                 + uploads.problems_markdown(checked, MAX_SHOWN_PROBLEMS), icon=":material/error:")
        return
    answers, q = checked.answers, checked.q
    st.success(f"**{name}** is a valid answers file for {md(text(q.title))} {md(answers.questionnaire_version)}: "
               f"{len(answers.answers)} answers, title “{md(answers.meta.get('title', '(none)'))}”.")
    if checked.note:
        st.warning(md(checked.note.capitalize()), icon=":material/info:")
    st.button("Open it as a new draft", key="upload_open", type="primary", on_click=_open_upload,
              args=(state.intent("upload"),))


def _open_upload(made_as: str) -> None:
    """Make the checked upload a new draft (it was parsed once, when it arrived); a repeated click opens it."""
    up = ss.get("upload")
    checked = uploads.check("upload", up, None)
    if checked is None or not checked.ok:
        return
    answers, q = checked.answers, checked.q
    # A click from a page the browser has left can arrive after the uploader let go of the file's bytes
    # (Streamlit then gives a placeholder without a name); its check, kept by file id, still holds.
    name = getattr(up, "name", None) or "the uploaded file"
    path = next((p for qid, p in state.instruments() if qid == q.id), None)
    if path is None:
        state.flash("error", f"The questionnaire {md(q.id)} is no longer installed here. Nothing was saved.")
        return
    try:
        opened = state.new_draft(answers, path, note=f"loaded from {name}", source=name, made_as=made_as)
    except Exception:   # a defect must not replace the page with a crash box; the log keeps the details
        log.exception("opening upload %r as a new draft failed", name)
        state.flash("error", f"**{md(name)} could not be opened as a draft** (an internal error, "
                             "recorded in the server log). Nothing was saved.")
        return
    if opened:
        state.request_page("wizard")


def page() -> None:
    st.title("Camera impact assessment")
    st.markdown("A guided assessment of a proposed public camera system — fixed cameras, face recognition, "
                "licence-plate readers, drones, body-worn cameras — and its effect on people's rights, "
                "before the council decides. Your answers are saved after every change.")
    state.show_flash()
    if state.store() is None:
        st.error(ss[state.SAVE_ERROR])
    if state.has_open():
        st.info(f"Open now: **{md((ss.get(state.META) or {}).get('title', '(untitled)'))}**.")
        st.button("Continue this assessment", key="continue", on_click=state.request_page, args=("wizard",),
                  icon=":material/arrow_forward:")
    left, right = st.columns(2, gap="large")
    with left:
        _new_form()
        _upload()
    with right:
        _drafts()
