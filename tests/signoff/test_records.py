"""Bad input to review and records: one-line refusals that write nothing; threads and staleness in detail."""

from __future__ import annotations

import pytest

from pia.assess import assess
from pia.errors import PiaError
from pia.signoff.records import ATTESTATIONS


@pytest.fixture
def draft(store, mini, complete):
    return store.create(complete, author="Sam", q=mini).id


BAD = [
    (lambda s, d, q: s.mark_section(d, "description", "fine", q=q), "unknown review mark 'fine'"),
    (lambda s, d, q: s.mark_section(d, "nowhere", "acceptable", q=q), "mini has no section 'nowhere'"),
    (lambda s, d, q: s.mark_section(d, "description", "to_correct", "  ", q=q),
     "a comment on a section marked to correct must be given"),
    (lambda s, d, q: s.comment(d, "nope", "x", q=q), "mini has no question 'nope'"),
    (lambda s, d, q: s.comment(d, "purpose", ""), "the comment must be given"),
    (lambda s, d, q: s.comment(d, "purpose", "x", thread=999), "no comment thread 999"),
    (lambda s, d, q: s.resolve(d, 999), "no comment thread 999"),
    (lambda s, d, q: s.record_dpo_advice(d, "", "advice"), "the DPO's name must be given"),
    (lambda s, d, q: s.respond_to_dpo_advice(d, 999, "followed"), "no DPO advice 999"),
    (lambda s, d, q: s.respond_to_dpo_advice(d, 1, "ignored"), "unknown response 'ignored'"),
    (lambda s, d, q: s.record_consultation(d, "Residents", "1 Dec", "x", "y"),
     "the consultation date must be YYYY-MM-DD"),
    (lambda s, d, q: s.record_consultation(d, "Residents", "2026-12-01", "x", ""), "what changed"),
    (lambda s, d, q: s.reject(d, q, assess(q, s.load(d)[0]), " "), "the reasons for the rejection must be given"),
    (lambda s, d, q: s.approve(d, q, assess(q, s.load(d)[0]), ["read_full_assessment", "bribed"]),
     "unknown attestation 'bribed'"),
    (lambda s, d, q: s.approve(d, q, assess(q, s.load(d)[0].with_answer("camera_count", 1)), list(ATTESTATIONS)),
     "was not made from the draft's current answers"),
    (lambda s, d, q: s.grant(d, "ann", "owner"), "unknown role 'owner'"),
    (lambda s, d, q: s.export_actions(d, q, "xlsx", None), "unknown action plan format 'xlsx'"),
    (lambda s, d, q: s.records(d, "memo"), "unknown record kind 'memo'"),
]


@pytest.mark.parametrize(("call", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_line_and_writes_nothing(store, mini, draft, call, message):
    before = (store.audit_log(draft), store.records(draft), store.threads(draft), store.review_status(draft, mini))
    with pytest.raises(PiaError) as err:
        call(store, draft, mini)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert (store.audit_log(draft), store.records(draft), store.threads(draft),
            store.review_status(draft, mini)) == before


def test_overruling_the_dpo_needs_reasons(store, draft):
    advice = store.record_dpo_advice(draft, "Dana (DPO)", "Do not use live face recognition.")
    with pytest.raises(PiaError, match="reasons for not following the DPO's advice must be given"):
        store.respond_to_dpo_advice(draft, advice, "overruled")
    rid = store.respond_to_dpo_advice(draft, advice, "overruled", "A court order requires it for this search.")
    (adv, resp) = store.records(draft)
    assert resp.id == rid and resp.fields == {"advice": advice, "advice_sha256": adv.sha256, "response": "overruled",
                                              "reasons": "A court order requires it for this search."}


def test_threads_resolve_reopen_and_reply(store, draft):
    t = store.comment(draft, "purpose", "Source?")
    store.resolve(draft, t, "Added")
    with pytest.raises(PiaError, match=f"thread {t} is already resolved"):
        store.resolve(draft, t)
    store.reopen(draft, t, "Still no source")
    with pytest.raises(PiaError, match=f"thread {t} is already open"):
        store.reopen(draft, t)
    store.resolve(draft, t)
    store.comment(draft, "ignored-question", "A reply reopens it", thread=t)      # the thread's question is kept
    (thread,) = store.threads(draft, "purpose")
    assert [e.kind for e in thread.entries] == ["comment", "resolved", "reopened", "resolved", "comment"]
    assert not thread.resolved and store.signoff_state(draft).open_threads == 1


def test_renewed_approval_clears_staleness(store, mini, draft, complete):
    a = assess(mini, complete)
    store.approve(draft, mini, a, list(ATTESTATIONS))
    changed = complete.with_answer("camera_count", 5).with_answer("purpose", "New purpose")
    store.save(draft, changed, base=1, q=mini)
    state = store.signoff_state(draft)
    assert state.status == "stale" and state.changed == ("camera_count", "purpose")
    store.approve(draft, mini, assess(mini, changed), list(ATTESTATIONS))
    assert store.signoff_state(draft).status == "approved" and store.signoff_state(draft).decision.revision == 2
    assert [r.revision for r in store.records(draft, "decision")] == [1, 2]      # the first one is kept as signed


def test_concurrent_writers_keep_one_unbroken_chain(store, mini, complete, draft):
    """Saves, marks and comments at the same moment: every entry links to the one before it (the draft is locked)."""
    import threading

    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            for j in range(3):
                if i == 0:
                    store.save(draft, complete.with_answer("camera_count", j + 1), base=j + 1, q=mini)
                elif i == 1:
                    store.mark_section(draft, "description", "improvable", f"pass {j}", q=mini)
                else:
                    store.comment(draft, "purpose", f"comment {i}.{j}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    log = store.audit_log(draft)
    assert len(log) == 13 and len({e.prev for e in log}) == 13          # no two entries share a predecessor
    assert sorted(e.action for e in log).count("saved") == 3 and store.draft(draft).head == 4
    assert store.verify_audit(draft).ok
