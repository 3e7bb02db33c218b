"""JSON Schemas exported from the models and committed under schemas/.

Authors get completion and checks in their editor (YAML language server);
a test fails when the committed copy is stale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .model import ModuleFile

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

AnswerValue = str | float | list[str] | list[dict[str, str | float | list[str]]]


class AnswersFile(BaseModel):
    """The envelope of an answers file (values are checked against the questionnaire)."""

    model_config = ConfigDict(extra="forbid", title="pia answers file")
    questionnaire: str = Field(description="Id of the questionnaire these answers are for")
    questionnaire_version: str = Field(pattern=r"^\d+\.\d+\.\d+", description="Its semantic version")
    meta: dict[str, str] = Field(default_factory=dict, description="title, organisation, prepared_by, date, ...")
    answers: dict[str, AnswerValue] = Field(
        default_factory=dict, description="question id: value; the string 'unknown' is a first-class value"
    )


def schema_for(kind: str) -> dict[str, Any]:
    model: type[BaseModel] = ModuleFile if kind == "questionnaire" else AnswersFile
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"pia {kind} file"
    return schema


def schema_path(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"
