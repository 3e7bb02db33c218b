"""The legal references that apply in the chosen jurisdiction.

Questions cite law in `legal_refs` (free text) and findings cite catalogue anchors (law.yaml). Shown as
written, a United States or United Kingdom user would read European Union law as if it bound them (legal
review L-12 to L-14). Each citation is matched to its anchor in the catalogue: the entry with the same
citation or id, else the longest entry whose citation begins the reference ("GDPR Art. 9" for
"GDPR Art. 9(1), 9(2)(g)"; "AI Act" for "AI Act Art. 3(35)-(43)"). A reference whose anchor is limited to
other jurisdictions is dropped; one with no anchor is kept (nothing says it does not apply). When every
reference of a list is dropped the caller shows `References.note` instead of an empty list, so the reader
knows the omission is deliberate.

The European Convention on Human Rights binds the 46 Council of Europe states, the EU member states and the
United Kingdom among them, and no United States city. For the `international` profile it depends on the state:
a Convention anchor (the Convention itself, `ECHR ...`, or a binding judgment of its court, `... (ECtHR ...)`)
is shown when the answer to `echr_party` is yes, dropped when it is no, and shown with "if the state is a
party" while that answer is unknown or missing, whatever the anchor's own `jurisdictions` say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pia.rules_model import Anchor
from pia.wording import label


@dataclass(frozen=True)
class References:
    """One list of citations, split into those shown in the jurisdiction and those dropped."""

    shown: tuple[str, ...]
    dropped: tuple[str, ...]
    if_party: tuple[str, ...] = ()
    """Those of `shown` that apply only if the state is a party to the ECHR (not known yet)."""

    @property
    def note(self) -> str:
        """Why the list is empty, when it was emptied by the jurisdiction; otherwise ''."""
        return label("references.none_apply") if self.dropped and not self.shown else ""

    def worded(self) -> list[str]:
        """The citations shown, each that applies only if the state is a party to the ECHR saying so."""
        return [qualified(r) if r in self.if_party else r for r in self.shown]

    def text(self, sep: str = ", ") -> str:
        """The citations shown, joined; the note when none applies here."""
        return sep.join(self.worded()) if self.shown else self.note


CONVENTION_PROFILE = "international"
"""The profile where the Convention binds only some states: which, the answer to CONVENTION_QUESTION says."""
CONVENTION_QUESTION = "echr_party"


def qualified(ref: str) -> str:
    """A Convention citation that applies only if the state is a party, as the reader sees it."""
    return ref + label("references.if_echr_party")


def unqualified(ref: str) -> str:
    """The citation behind `qualified(ref)` (the catalogue and the law in time know it by this)."""
    return ref.removesuffix(label("references.if_echr_party"))


def is_convention(anchor: Anchor | None) -> bool:
    """The Convention itself or a binding judgment of its court (by citation: 'ECHR ...', '... (ECtHR ...)')."""
    return anchor is not None and anchor.status == "binding" and (
        anchor.cite.startswith("ECHR") or "(ECtHR" in anchor.cite)


def convention_party(answers: Mapping[str, Any] | None) -> bool | None:
    """True or False when the answers say whether the state is a party to the ECHR; None when not known."""
    value = (answers or {}).get(CONVENTION_QUESTION)
    return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None


def catalogue(anchors: Iterable[Anchor] | Mapping[str, Anchor]) -> dict[str, Anchor]:
    """Citation and id -> anchor: what `anchor_of` and `for_jurisdiction` look citations up in."""
    items = anchors.values() if isinstance(anchors, Mapping) else anchors
    out: dict[str, Anchor] = {}
    for a in items:
        out.setdefault(a.cite, a)
        out.setdefault(a.id, a)
    return out


def anchor_of(ref: str, catalogue: Mapping[str, Anchor]) -> Anchor | None:
    """The catalogue entry a citation rests on: exact citation or id, else the longest citation prefix.

    A prefix counts only at a word boundary, so "GDPR Art. 3" never matches "GDPR Art. 35".
    """
    ref = ref.strip()
    hit = catalogue.get(ref)
    if hit is not None:
        return hit
    best: Anchor | None = None
    for cite, a in catalogue.items():
        if cite != a.cite or len(cite) >= len(ref) or not ref.startswith(cite):
            continue
        nxt = ref[len(cite)]
        if cite[-1].isalnum() and nxt.isalnum():
            continue
        if best is None or len(cite) > len(best.cite):
            best = a
    return best


def applies_in(anchor: Anchor | None, profile: str | None) -> bool:
    """An anchor applies where it is not limited to jurisdictions, or the profile is among them.

    With no profile chosen yet nothing is dropped: the reader has not said where they are.
    """
    return anchor is None or profile is None or not anchor.jurisdictions or profile in anchor.jurisdictions


def for_jurisdiction(refs: Iterable[str], anchors: Iterable[Anchor] | Mapping[str, Anchor],
                     profile: str | None, answers: Mapping[str, Any] | None = None) -> References:
    """Split `refs` (question legal_refs or finding anchors) into those that apply in `profile` and the rest.

    `answers` (the effective answers) say, for the international profile, whether the ECHR binds the state.
    """
    found = catalogue(anchors)
    party = convention_party(answers)
    shown: list[str] = []
    dropped: list[str] = []
    if_party: list[str] = []
    for ref in refs:
        anchor = anchor_of(ref, found)
        if profile == CONVENTION_PROFILE and is_convention(anchor):
            (dropped if party is False else shown).append(ref)
            if party is None and "party to the ECHR" not in anchor.cite:  # some citations already say so
                if_party.append(ref)
            continue
        if profile == CONVENTION_PROFILE and party and anchor is not None and "(ECtHR" in anchor.cite:
            dropped.append(ref)  # the court's judgment read as persuasive: it binds a party, so that reading goes
            continue
        (shown if applies_in(anchor, profile) else dropped).append(ref)
    return References(tuple(shown), tuple(dropped), tuple(if_party))


def shown_or_note(refs: Iterable[str], anchors: Iterable[Anchor] | Mapping[str, Anchor],
                  profile: str | None, answers: Mapping[str, Any] | None = None) -> list[str]:
    """The references to show in `profile`: those that apply, or the note alone when every one was dropped."""
    r = for_jurisdiction(refs, anchors, profile, answers)
    return r.worded() if r.shown else ([r.note] if r.note else [])
