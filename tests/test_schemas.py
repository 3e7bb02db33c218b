"""The committed JSON Schemas match the models, and real files satisfy them."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pia.schemas import schema_for, schema_path
from pia.yamlio import load_file


@pytest.mark.parametrize("kind", ["questionnaire", "answers"])
def test_committed_schema_is_fresh(kind):
    committed = json.loads(schema_path(kind).read_text())
    assert committed == schema_for(kind), (
        f"schemas/{kind}.schema.json is stale: regenerate with "
        f"`python -m pia schema --kind {kind} > schemas/{kind}.schema.json`"
    )


def test_fixture_files_satisfy_the_schemas(fixtures):
    q_schema = json.loads(schema_path("questionnaire").read_text())
    a_schema = json.loads(schema_path("answers").read_text())
    for f in (fixtures / "mini").glob("*.yaml"):
        data = load_file(f).data
        schema = a_schema if "answers" in data else q_schema
        if f.name == "answers_bad.yaml":  # law_enforcement: true is not a valid answer value
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(data, schema)
        else:
            jsonschema.validate(data, schema)


def test_schema_rejects_a_misspelt_field():
    q_schema = json.loads(schema_path("questionnaire").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "x", "title": "T", "sectons": []}, q_schema)
