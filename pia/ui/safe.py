"""Text that came from a person or a file, made safe to put inside Streamlit Markdown.

Almost every Streamlit text element (markdown, caption, title, header, alerts,
button labels, help, expander and progress labels) renders its string as
Markdown. A title such as ``![t](http://host/pixel.png)`` would then make every
visitor's browser fetch that URL, and ``[Sign in](http://evil)`` would become a
real link. So every piece of text that pia did not write itself goes through
:func:`md` before it is interpolated into such a string: each ASCII punctuation
mark with a meaning in Markdown gets a backslash (CommonMark allows escaping any
of them), which also
defuses Streamlit's own ``:material/icon:``, ``:red[...]`` and ``$math$`` syntax.
GFM autolinks (``http://``, ``www.``, ``a@b.org``) get an invisible word joiner.
Line breaks become spaces: a value is
shown on one line, so it cannot start a heading, list or table row.

Two more rules keep error pages quiet: :func:`problem_lines` shows an input
error without server paths, and :func:`store_failure` logs a database error and
returns a message with no URL, host, user or path in it.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Iterable
from pathlib import PurePath

log = logging.getLogger("pia.ui")

# Every ASCII punctuation mark that means something to CommonMark, GFM or Streamlit's own
# extensions; the rest (' " , ; ? / %) is plain text everywhere and stays readable.
_SPECIAL = "".join(c for c in string.punctuation if c not in "'\",;?/%")
_PUNCT = re.compile("([" + re.escape(_SPECIAL) + "])")
_BREAKS = re.compile(r"[\r\n\u0085\u2028\u2029\t\v\f]+")


# GFM turns bare URLs and e-mail addresses into links *after* escapes are resolved, so
# escaping cannot stop it. An invisible WORD JOINER (U+2060) inside "://", after "www"
# and after "@" breaks those patterns without changing what the reader sees.
JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)")


def md(value: object) -> str:
    """`value` as literal text inside Markdown: special punctuation escaped, no autolinks, one line."""
    text = _BREAKS.sub(" ", "" if value is None else str(value))
    text = _AUTOLINK.sub(JOINER, text)
    return _PUNCT.sub(r"\\\1", text)


def file_name(name: str) -> str:
    """Only the last part of a path: error pages never show where files live on the server."""
    return PurePath(str(name).replace("\\", "/")).name or str(name)


def problem_lines(problems: Iterable[object], limit: int) -> list[str]:
    """Escaped Markdown list items, one per problem, at most `limit` of them."""
    return [f"- {md(p)}" for p in list(problems)[:limit]]


def store_failure(action: str, exc: BaseException) -> str:
    """A one-line message for a database failure; the details (URL, host, reason) go to the server log only."""
    detail = "; ".join(p.message for p in getattr(exc, "problems", [])) or str(exc)
    log.error("draft database failure%s: %s", f" while {action}" if action else "", detail)
    if not action:
        return ("The draft database could not be used, so drafts cannot be saved or listed right now. "
                "Ask whoever runs pia to check the server log.")
    return (f"The draft database could not be used while {action}. Nothing was lost in this window; "
            "ask whoever runs pia to check the server log.")
