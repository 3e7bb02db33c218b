"""Translatable text: a plain string, or a map of language code to string."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Text = str | dict[Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")], str]


def text(value: Text | None, lang: str = "en") -> str:
    """Pick a language from a Text, falling back to English, then to any."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")
