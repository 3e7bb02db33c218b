"""JSON Schemas exported from the models and committed under schemas/.

Authors get completion and checks in their editor (YAML language server);
a test fails when the committed copy is stale.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .model import ModuleFile

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

AnswerValue = str | float | list[str] | list[dict[str, str | float | list[str]]]


class EvidenceRecord(BaseModel):
    """What backs a claim that clears a legal stop: the source, who confirmed it, and when."""

    model_config = ConfigDict(extra="forbid")
    document: str = Field("", description="The law, decision or document cited, e.g. `Police Act s. 27c`.")
    confirmed_by: str = Field("", description="Who confirmed it (a legal reviewer, by name and role).")
    date: str = Field("", description="When it was confirmed, YYYY-MM-DD.")


class AnswersFile(BaseModel):
    """An answers file: the questionnaire it is for and the answers; `pia validate FILE` checks them all."""

    model_config = ConfigDict(extra="forbid", title="pia answers file")
    questionnaire: str = Field(
        description="Id of the questionnaire these answers are for, e.g. `camera_hria`; they are checked against it."
    )
    questionnaire_version: str = Field(
        pattern=r"^\d+\.\d+\.\d+",
        description="The questionnaire version the answers were written for, e.g. `1.2.0`. A file for an older "
        "major version is refused: start from `pia new-answers` and copy the answers across.",
    )
    meta: dict[str, str] = Field(
        default_factory=dict,
        description="Facts about the assessment for the report: `title`, `organisation`, `prepared_by`, `date` "
        "(YYYY-MM-DD), `reference`, `contact` or any other key. Values are text of at most 500 characters; "
        "quote numbers and dates.",
    )
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict,
        description="Question id: answer, e.g. `camera_count: 120`. Write `unknown` where the answer is not known "
        "yet; yes/no as words, multiple choice as a list, a group as a list of `field id: value` mappings. "
        "A question left out is not answered yet.",
    )

    evidence: dict[str, EvidenceRecord] = Field(
        default_factory=dict,
        description="Question id: the record backing an answer that clears a legal stop (questions with "
        "`needs_evidence`). Without a complete record (document, confirmed_by, date) the answer reads as "
        "unknown.",
    )


def schema_for(kind: str) -> dict[str, Any]:
    model: type[BaseModel] = ModuleFile if kind == "questionnaire" else AnswersFile
    schema = _one_line_descriptions(model.model_json_schema(by_alias=True))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"pia {kind} file"
    return schema


def _one_line_descriptions(node: Any) -> Any:
    """Join the wrapped lines of docstrings, so an editor's hover shows flowing text."""
    if isinstance(node, dict):
        return {
            k: re.sub(r"\s*\n\s*", " ", v) if k == "description" and isinstance(v, str) else _one_line_descriptions(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_one_line_descriptions(v) for v in node]
    return node


def schema_path(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"
