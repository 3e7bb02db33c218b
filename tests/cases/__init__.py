"""Decided public camera cases as answers files; see cases.py and docs/cases.md."""
