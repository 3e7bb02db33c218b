"""Which rulebook produced an assessment: SHA-256 of each questionnaire source file.

Id and version say which instrument was meant; the hashes say which bytes were
used. The combined digest is the SHA-256 of the lines `sha256sum` prints for
the files sorted by name (names relative to the core file's folder), so an
auditor can recompute it with standard tools:

    cd questionnaires/camera-hria && sha256sum $(ls *.yaml | LC_ALL=C sort) | sha256sum

(listing only the files the assessment names in `questionnaire_files`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from .model import Questionnaire


def combined_digest(files: Mapping[str, str]) -> str:
    """One digest for the whole questionnaire; empty when it was not loaded from files."""
    if not files or not all(files.values()):
        return ""
    lines = "".join(f"{files[name]}  {name}\n" for name in sorted(files))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def questionnaire_digest(q: Questionnaire) -> str:
    return combined_digest(q.source_sha256)
