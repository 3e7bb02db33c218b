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


def _undescribed(schema: dict) -> list[str]:
    """Every model ($defs entry or root) and every property, at any depth, without a description."""
    missing: list[str] = []

    def described(node: object) -> bool:
        return isinstance(node, dict) and isinstance(node.get("description"), str) and bool(node["description"].strip())

    def walk(node: object, where: str) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, where)
            return
        if not isinstance(node, dict):
            return
        for name, prop in (node.get("properties") or {}).items():
            if not described(prop):
                missing.append(f"{where}.{name}")
            walk(prop, f"{where}.{name}")
        for key, value in node.items():
            if key == "$defs":
                for name, model in value.items():
                    if not described(model):
                        missing.append(f"$defs.{name}")
                    walk(model, name)
            elif key != "properties":
                walk(value, where)

    if not described(schema):
        missing.append("(root)")
    walk(schema, "(root)")
    return missing


@pytest.mark.parametrize("kind", ["questionnaire", "answers"])
def test_every_field_and_model_has_a_description(kind):
    """Authors writing YAML by hand see these in their editor (yaml-language-server)."""
    missing = _undescribed(schema_for(kind))
    assert not missing, f"{kind} schema: no description for " + ", ".join(missing)


def test_the_description_walker_finds_nested_and_defs_gaps():
    schema = {
        "description": "root",
        "properties": {"a": {"description": "ok", "properties": {"b": {"type": "string"}}}},
        "$defs": {"M": {"properties": {"c": {"description": " "}}}},
    }
    assert _undescribed(schema) == ["(root).a.b", "$defs.M", "M.c"]
