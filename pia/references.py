"""The legal references that apply in the chosen jurisdiction.

Questions cite law in `legal_refs` (free text) and findings cite catalogue anchors (law.yaml). Shown as
written, a United States or United Kingdom user would read European Union law as if it bound them (legal
review L-12 to L-14). Each citation is matched to its anchor in the catalogue: the entry with the same
citation or id, else the longest entry whose citation begins the reference ("GDPR Art. 9" for
"GDPR Art. 9(1), 9(2)(g)"; "AI Act" for "AI Act Art. 3(35)-(43)"). A reference whose anchor is limited to
other jurisdictions is dropped; one with no anchor is kept (nothing says it does not apply). When every
reference of a list is dropped the caller shows `References.note` instead of an empty list, so the reader
knows the omission is deliberate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pia.rules_model import Anchor
from pia.wording import label


@dataclass(frozen=True)
class References:
    """One list of citations, split into those shown in the jurisdiction and those dropped."""

    shown: tuple[str, ...]
    dropped: tuple[str, ...]

    @property
    def note(self) -> str:
        """Why the list is empty, when it was emptied by the jurisdiction; otherwise ''."""
        return label("references.none_apply") if self.dropped and not self.shown else ""

    def text(self, sep: str = ", ") -> str:
        """The citations shown, joined; the note when none applies here."""
        return sep.join(self.shown) if self.shown else self.note


def _catalogue(anchors: Iterable[Anchor] | Mapping[str, Anchor]) -> dict[str, Anchor]:
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
                     profile: str | None) -> References:
    """Split `refs` (question legal_refs or finding anchors) into those that apply in `profile` and the rest."""
    catalogue = _catalogue(anchors)
    shown: list[str] = []
    dropped: list[str] = []
    for ref in refs:
        (shown if applies_in(anchor_of(ref, catalogue), profile) else dropped).append(ref)
    return References(tuple(shown), tuple(dropped))


def shown_or_note(refs: Iterable[str], anchors: Iterable[Anchor] | Mapping[str, Anchor],
                  profile: str | None) -> list[str]:
    """The references to show in `profile`: those that apply, or the note alone when every one was dropped."""
    r = for_jurisdiction(refs, anchors, profile)
    return list(r.shown) if r.shown else ([r.note] if r.note else [])
