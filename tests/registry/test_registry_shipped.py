"""Every shipped agreement file loads, validates, and cites every fact it asserts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pycountry
import pytest
from pydantic import BaseModel

from accords.registry.export import iter_facts
from accords.registry.loader import (
    AGREEMENT_SUFFIXES,
    Registry,
    default_agreements_dir,
    load_agreement,
)
from accords.registry.models import Agreement, Money

SHIPPED_FILES = sorted(
    p for p in default_agreements_dir().iterdir() if p.suffix in AGREEMENT_SUFFIXES
)


def money_in(node: object, path: str = "") -> Iterator[tuple[str, Money]]:
    """Every Money anywhere inside a model, with its field path."""
    if isinstance(node, Money):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from money_in(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from money_in(item, f"{path}[{i}]")


def test_the_example_agreement_is_shipped() -> None:
    assert "usa-slv-2025.yaml" in {p.name for p in SHIPPED_FILES}


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_shipped_file_loads_and_its_id_matches_its_name(path: Path) -> None:
    agreement = load_agreement(path)
    assert agreement.id == path.stem


def test_whole_registry_loads_with_one_agreement_per_file(registry: Registry) -> None:
    assert len(registry) == len(SHIPPED_FILES)
    assert sorted(registry.ids) == sorted(p.stem for p in SHIPPED_FILES)
    for agreement in registry:
        assert registry.files[agreement.id].stem == agreement.id
        assert registry.get(agreement.id) is agreement


def test_every_fact_has_a_source_with_url_and_quote(registry: Registry) -> None:
    missing = []
    n_facts = 0
    for agreement in registry:
        for path, fact in iter_facts(agreement):
            n_facts += 1
            where = f"{agreement.id}: {path or '<root>'}"
            if not fact.sources:
                missing.append(f"{where}: no source")
            for i, source in enumerate(fact.sources):
                if not source.url.startswith(("http://", "https://")):
                    missing.append(f"{where}.sources[{i}]: url {source.url!r}")
                if not source.quote.strip():
                    missing.append(f"{where}.sources[{i}]: empty quote")
    assert n_facts > 0
    assert not missing, "\n".join(missing)


def test_iter_facts_reaches_nested_facts(registry: Registry) -> None:
    """The source check above must see facts nested in other facts, or it proves little."""
    example = registry.get("usa-slv-2025")
    paths = {path for path, _ in iter_facts(example)}
    assert "legal_form" in paths
    assert "status[0]" in paths
    assert "terms.facilities[0].capacity" in paths
    assert "terms.capacity[0]" in paths
    assert "claims[0]" in paths
    assert "rulings[0]" in paths


def test_every_money_has_a_currency_and_price_year(registry: Registry) -> None:
    found = 0
    bad = []
    for agreement in registry:
        for path, money in money_in(agreement):
            found += 1
            if pycountry.currencies.get(alpha_3=money.currency) is None:
                bad.append(f"{agreement.id}: {path}: currency {money.currency!r}")
            if not (isinstance(money.price_year, int) and 1900 <= money.price_year <= 2100):
                bad.append(f"{agreement.id}: {path}: price_year {money.price_year!r}")
    assert found > 0, "the walk found no Money at all; usa-slv-2025 has several"
    assert not bad, "\n".join(bad)


def test_example_money_is_found_where_it_is(example: Agreement) -> None:
    paths = dict(money_in(example))
    assert paths["terms.price_schedule[0].money"] == Money(
        amount=20000, currency="USD", price_year=2025
    )
    assert any(p.startswith("numbers[") for p in paths)
