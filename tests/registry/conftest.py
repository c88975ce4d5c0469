"""Registry fixtures: the shipped example, a minimal valid agreement, and text-editing helpers.

Bad-input tests write a file with one targeted edit and compute the expected line from the
text they wrote (`TextEdit.line_of`), never from a hard-coded guess.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from accords.registry.loader import Registry, load_agreement, load_registry
from accords.registry.models import Agreement
from accords.schemas import schema_dir

EXAMPLE_ID = "usa-slv-2025"
MINIMAL_ID = "test-minimal-2024"

# A small agreement that uses every kind of field the bad-input tests break. Each line the tests
# edit is unique in the text, so an edit can be located without ambiguity.
MINIMAL = """\
# A minimal valid agreement for the tests: one field is broken at a time.
id: test-minimal-2024
title: Minimal test agreement
sender: GBR
receiver: RWA
kind: offshore_processing
summary: A minimal agreement used only by the test suite.
as_of: 2025-01-01
legal_form:
  value: treaty
  sources:
    - url: https://example.org/legal-form
      date: 2024-04-25
      quote: The treaty was ratified.
status:
  - status: signed
    date: 2023-12-05
    sources:
      - url: https://example.org/signed
        date: 2023-12-05
        quote: The treaty was signed today.
  - status: in_force
    date: 2024-04-25
    by: ratification
    sources:
      - url: https://example.org/in-force
        date: 2024-04-25
        quote: The treaty entered into force.
terms:
  nationalities:
    - mode: any
      sources:
        - url: https://example.org/terms
          date: 2023-12-05
          quote: People of any nationality may be relocated.
  price_schedule:
    - id: lump-sum
      kind: lump_sum
      label: an up-front payment
      money:
        amount: 100000000
        currency: GBP
        price_year: 2024
      sources:
        - url: https://example.org/price
          date: 2024-01
          quote: The UK paid 100 million pounds.
numbers:
  - metric: paid
    label: paid so far
    refers_to: 2024-06
    money: {amount: 240000000, currency: GBP, price_year: 2024}
    sources:
      - url: https://example.org/paid
        date: 2024-07-01
        quote: The UK has paid 240 million pounds so far.
claims:
  - id: minister-anyone
    topic: who is covered
    kind: claim
    speaker: {name: A Minister, role: Home Secretary}
    said_on: 2023-12-05
    words: Anyone who arrives irregularly may be relocated.
    sources:
      - url: https://example.org/claim-1
        date: 2023-12-05
        quote: Anyone who arrives irregularly may be relocated.
  - id: lawyer-disagrees
    topic: who is covered
    kind: legal_opinion
    speaker: {name: A Lawyer}
    said_on: 2023-12-06
    responds_to: [minister-anyone]
    words: Not everyone can lawfully be relocated.
    sources:
      - url: https://example.org/claim-2
        date: 2023-12-06
        quote: Not everyone can lawfully be relocated.
"""


def edit(text: str, old: str, new: str) -> str:
    """`text` with the single occurrence of `old` replaced by `new` (fails if not exactly one)."""
    count = text.count(old)
    assert count == 1, f"expected exactly one {old!r} in the base text, found {count}"
    return text.replace(old, new)


@dataclass(frozen=True)
class Written:
    """A file a test wrote, with helpers to find where things are in it."""

    path: Path
    text: str

    def line_of(self, needle: str) -> int:
        """1-based number of the one line containing `needle`."""
        hits = [i for i, line in enumerate(self.text.splitlines(), 1) if needle in line]
        assert len(hits) == 1, f"{needle!r} is on lines {hits} of {self.path.name}, expected one"
        return hits[0]

    def column_of(self, needle: str) -> int:
        """1-based column where `needle` starts on its line."""
        line = self.text.splitlines()[self.line_of(needle) - 1]
        return line.index(needle) + 1


WriteAgreement = Callable[..., Written]


@pytest.fixture(scope="session")
def example_path(shipped_dir: Path) -> Path:
    return shipped_dir / f"{EXAMPLE_ID}.yaml"


@pytest.fixture(scope="session")
def example_text(example_path: Path) -> str:
    return example_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example(example_path: Path) -> Agreement:
    """usa-slv-2025 loaded on its own (other shipped files cannot break the view tests)."""
    return load_agreement(example_path)


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The whole shipped registry, loaded once."""
    return load_registry()


@pytest.fixture(scope="session")
def example_only_dir(tmp_path_factory: pytest.TempPathFactory, example_text: str) -> Path:
    """A registry folder holding only a copy of usa-slv-2025 (fast, and stable for CLI tests)."""
    folder = tmp_path_factory.mktemp("example-registry")
    (folder / f"{EXAMPLE_ID}.yaml").write_text(example_text, encoding="utf-8")
    return folder


@pytest.fixture
def write_agreement(tmp_path: Path) -> WriteAgreement:
    """Write agreement text to tmp_path[/folder]/NAME.yaml and return it as `Written`."""

    def write(text: str, name: str = MINIMAL_ID, folder: str | None = None) -> Written:
        target_dir = tmp_path / folder if folder else tmp_path
        target_dir.mkdir(parents=True, exist_ok=True)
        path = target_dir / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
        path.write_text(text, encoding="utf-8")
        return Written(path, text)

    return write


@pytest.fixture(scope="session")
def output_validator() -> Callable[[str, Any], None]:
    """Validate a `--json` payload against the shipped JSON Schema of that output."""
    cache: dict[str, jsonschema.protocols.Validator] = {}

    def check(name: str, payload: Any) -> None:
        if name not in cache:
            schema = json.loads((schema_dir() / f"{name}.schema.json").read_text("utf-8"))
            jsonschema.Draft202012Validator.check_schema(schema)
            cache[name] = jsonschema.Draft202012Validator(
                schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
            )
        cache[name].validate(payload)

    return check


@pytest.fixture(scope="session")
def minimal_text() -> str:
    return MINIMAL


@pytest.fixture(scope="session")
def minimal_id() -> str:
    return MINIMAL_ID


@pytest.fixture(scope="session")
def edit_text() -> Callable[[str, str, str], str]:
    """`edit(text, old, new)`: replace the one occurrence of `old`, failing if not exactly one."""
    return edit
