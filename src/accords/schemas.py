"""JSON Schemas of every `--json` output, generated from the models and shipped as files.

The shipped files are what users validate against; a test regenerates them and fails when the
models changed without the files (`python -m accords.schemas` rewrites them).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from accords.atomic import write_text_atomic
from accords.engine.check import CheckOutput
from accords.registry.outputs import CompareOutput, ListOutput, ShowOutput, ValidateOutput
from accords.registry.search import SearchOutput
from accords.simulation.backtest import BacktestOutput

OUTPUTS: dict[str, type[BaseModel]] = {
    "agreements-list": ListOutput,
    "agreements-show": ShowOutput,
    "agreements-compare": CompareOutput,
    "agreements-validate": ValidateOutput,
    "agreements-search": SearchOutput,
    "check": CheckOutput,
    "backtest": BacktestOutput,
}


def schema_dir() -> Path:
    return Path(str(resources.files("accords") / "data" / "schema"))


def render(name: str) -> str:
    schema = OUTPUTS[name].model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://accords.example/schema/{name}.schema.json"
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def shipped(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((schema_dir() / f"{name}.schema.json").read_text("utf-8"))
    return data


def write_all(folder: Path | None = None) -> list[Path]:
    target = folder or schema_dir()
    paths = []
    for name in OUTPUTS:
        path = target / f"{name}.schema.json"
        write_text_atomic(path, render(name))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_all():
        print(written)
