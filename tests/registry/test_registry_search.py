"""Search by any word, country names wherever a code is taken, and ids suggested by parties."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from typer.testing import Result

from accords.engine.check import load_person
from accords.registry.countries import country_name, resolve_party
from accords.registry.loader import Registry, load_registry
from accords.registry.search import search
from accords.schemas import shipped

Invoke = Callable[..., Result]


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()


def test_a_country_name_finds_its_agreement_first_and_says_where(reg: Registry) -> None:
    hits = search(reg, "El Salvador").hits
    assert hits[0].id == "usa-slv-2025"
    assert any(m.where == "parties" and "El Salvador (SLV)" in m.text for m in hits[0].matches)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize("query", ["Turkey", "Türkiye", "turkiye", "TUR"])
def test_turkey_by_every_name_and_code(reg: Registry, query: str) -> None:
    assert search(reg, query).hits[0].id == "eu-tur-2016"


def test_claims_rulings_and_sources_are_searched(reg: Registry) -> None:
    rubio = search(reg, "Rubio").hits
    assert rubio and all(any(m.where in {"claims", "summary"} for m in h.matches) for h in rubio)
    ruling = search(reg, "non-refoulement UKSC").hits
    assert [h.id for h in ruling] == ["gbr-rwa-2022"]
    assert {m.where for m in ruling[0].matches} == {"rulings"}
    assert any(m.where == "sources" for h in search(reg, "Reuters").hits for m in h.matches)
    assert search(reg, "nosuchwordanywhere").hits == []


def test_search_command_text_and_json(invoke: Invoke, wide_console: object) -> None:
    out = json.loads(invoke("agreements", "search", "El Salvador", "--json", expect=0).stdout)
    assert out["hits"][0]["id"] == "usa-slv-2025"
    jsonschema.validate(out, shipped("agreements-search"))
    text = invoke("agreements", "search", "CECOT", "--limit", "1", expect=0).stdout
    assert "usa-slv-2025" in text and "where it matched" in text
    none = invoke("agreements", "search", "nosuchwordanywhere", expect=0).stdout
    assert "No agreement mentions" in none


@pytest.mark.parametrize(
    "text,code",
    [
        ("SLV", "SLV"),
        ("slv", "SLV"),
        ("El Salvador", "SLV"),
        ("el salvador", "SLV"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("United Kingdom", "GBR"),
        ("Venezuela", "VEN"),
    ],
)
def test_names_resolve_to_codes(text: str, code: str) -> None:
    assert resolve_party(text) == code


@pytest.mark.parametrize(
    "code,name", [("VEN", "Venezuela"), ("XKX", "Kosovo"), ("EUE", "European Union")]
)
def test_codes_name_their_party_as_people_write_it(code: str, name: str) -> None:
    assert country_name(code) == name


def test_an_ambiguous_or_unknown_name_is_an_error_naming_the_candidates() -> None:
    with pytest.raises(ValueError, match=r"KOR.*PRK|PRK.*KOR"):
        resolve_party("Korea")
    with pytest.raises(ValueError, match="SLV"):
        resolve_party("Elsalvador")


def test_list_takes_a_receiver_by_name(invoke: Invoke) -> None:
    by_name = json.loads(
        invoke("agreements", "list", "--receiver", "El Salvador", "--json", expect=0).stdout
    )
    by_code = json.loads(
        invoke("agreements", "list", "--receiver", "SLV", "--json", expect=0).stdout
    )
    assert [a["id"] for a in by_name["agreements"]] == ["usa-slv-2025"]
    assert by_name == by_code
    bad = invoke("agreements", "list", "--receiver", "Korea", expect=2)
    assert "KOR" in bad.stderr and "PRK" in bad.stderr


def test_a_person_file_may_name_states(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: p1\npresent_in: United States\ncitizenships: [El Salvador]\n", encoding="utf-8"
    )
    person = load_person(path)
    assert person.present_in == "USA" and person.citizenships == ["SLV"]


@pytest.mark.parametrize(
    "wrong,first",
    [
        ("USA-SLV-2025", "usa-slv-2025"),
        ("usa-slv-2024", "usa-slv-2025"),
        ("uk-rwanda", "gbr-rwa-2022"),
        ("italy-albania-2024", "ita-alb-2023"),
    ],
)
def test_an_unknown_id_suggests_by_case_parties_and_year(
    reg: Registry, invoke: Invoke, wrong: str, first: str
) -> None:
    assert reg.suggest(wrong)[0] == first
    message = invoke("agreements", "show", wrong, expect=2).stderr
    assert f"did you mean {first}" in message
    assert "usa-xkx-2025" not in message


@pytest.mark.parametrize("section", ["terms", "timeline", "numbers", "rulings", "claims"])
def test_show_one_section(invoke: Invoke, wide_console: object, section: str) -> None:
    titles = {
        "terms": "Terms",
        "timeline": "Status timeline",
        "numbers": "Numbers reported",
        "rulings": "Court rulings",
        "claims": "Claims, with what was said about them later",
    }
    out = invoke("agreements", "show", "gbr-rwa-2022", "--section", section, expect=0).stdout
    assert titles[section] in out and "Sources" in out
    assert not [t for s, t in titles.items() if s != section and t in out]
    sources = invoke("agreements", "show", "gbr-rwa-2022", "--section", "sources", expect=0).stdout
    assert "Sources" in sources and not [t for t in titles.values() if t in sources]


def test_a_scenario_file_may_name_states(tmp_path: Path) -> None:
    from accords.simulation.scenario import default_scenario_path, load_scenario

    text = default_scenario_path().read_text(encoding="utf-8")
    named = text.replace("sender: USA", "sender: United States", 1)
    assert named != text
    assert load_scenario(tmp_path / "s.yaml", named).sender == "USA"
