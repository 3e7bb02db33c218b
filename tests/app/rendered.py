"""What an AppTest page hands to Streamlit's Markdown renderer, and checks on it.

Titles, headers, captions, alerts, markdown, every widget label, button help
and radio options are all rendered as Markdown by the frontend. These helpers
collect exactly those strings (not widget values or select box options, which
are shown as plain text) so a test can check that user text stays literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

MARKDOWN_VALUES = {"title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success",
                   "toast"}
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# CommonMark/GFM constructs that make a link or an image, when their punctuation is not escaped.
LINKING = [
    re.compile(r"(?<!\\)!(?<!\\)\["),                     # image: ![
    re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\("),          # inline link: [text](
    re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\["),          # reference link: [text][
    re.compile(r"(?<!\\)<[A-Za-z][A-Za-z0-9+.-]*:"),      # autolink: <http://...>
    re.compile(r"(?<!\\)<(?:img|a|iframe|script)\b", re.I),
]
# GFM autolink literals are found in the text *after* escapes are resolved (remark-gfm).
AUTOLINKING = [
    re.compile(r"(?i)\b(?:https?|ftp)://"),
    re.compile(r"(?i)\bwww\."),
    re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
]


def resolved(s: str) -> str:
    """The text after Markdown escapes are resolved: what GFM's autolinker looks at."""
    return _ESCAPE.sub(r"\1", s)


def plain(s: str) -> str:
    """The text a reader sees: escapes resolved, invisible word joiners dropped."""
    return resolved(s).replace("\u2060", "")


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


def markdown_strings(at: Any) -> list[str]:
    """Every string of the current page that the frontend renders as Markdown."""
    found: list[str] = []
    for node in _nodes(at._tree):
        kind = getattr(node, "type", None)
        value = getattr(node, "value", None) if kind in MARKDOWN_VALUES else None
        if kind == "radio":
            found += [o for o in node.options if isinstance(o, str)]
        for s in (value, getattr(node, "label", None), getattr(node, "help", None)):
            if isinstance(s, str) and s:
                found.append(s)
    return found


def linking(s: str) -> list[str]:
    """The link/image constructs in a Markdown string (empty when it can make none)."""
    return [p.pattern for p in LINKING if p.search(s)] + [p.pattern for p in AUTOLINKING if p.search(resolved(s))]


def assert_literal_and_inert(at: Any, *literals: str) -> list[str]:
    """Each literal is shown as typed somewhere on the page, and nothing on the page makes a link or image."""
    strings = markdown_strings(at)
    shown = "\n".join(plain(s) for s in strings)
    for literal in literals:
        assert literal in shown, f"{literal!r} not shown literally; page text:\n{shown[:3000]}"
    bad = [(s, linking(s)) for s in strings if linking(s)]
    assert not bad, f"Markdown that renders a link or image: {bad[:5]}"
    return strings
