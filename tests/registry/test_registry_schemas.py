"""The shipped JSON Schemas of `--json` output are exactly what the models generate now."""

from __future__ import annotations

import json

import jsonschema
import pytest

from accords.schemas import OUTPUTS, render, schema_dir


def test_every_output_has_a_shipped_schema_and_nothing_else_is_shipped() -> None:
    shipped = {p.name for p in schema_dir().glob("*.schema.json")}
    assert shipped == {f"{name}.schema.json" for name in OUTPUTS}


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_shipped_schema_matches_the_models(name: str) -> None:
    shipped = (schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8")
    assert shipped == render(name), (
        f"{name}.schema.json is out of date: run `python -m accords.schemas`"
    )


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_shipped_schema_is_a_valid_2020_12_schema(name: str) -> None:
    schema = json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{name}.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)


def test_render_follows_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drift test above can only catch drift if render() really reads the model."""
    from pydantic import BaseModel

    class Changed(BaseModel):
        extra_field: int

    monkeypatch.setitem(OUTPUTS, "agreements-list", Changed)
    assert '"extra_field"' in render("agreements-list")
    assert render("agreements-list") != (schema_dir() / "agreements-list.schema.json").read_text(
        encoding="utf-8"
    )
