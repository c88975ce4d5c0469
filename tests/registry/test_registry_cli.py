"""`accords agreements ...` through typer's CliRunner: JSON in the shipped schemas, human output."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from accords.registry.export import iter_facts
from accords.registry.loader import Registry
from accords.registry.models import Agreement
from accords.registry.views import as_known_on, in_force_on

EXAMPLE_ID = "usa-slv-2025"
RUBIO_WORDS = "he’s also offered to do the same for dangerous criminals"
OFFICIAL_WORDS = "had no current plans to try to deport American citizens"


def as_json(result: Any) -> Any:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- list ---------------------------------------------------------------------------------


def test_list_json_gives_every_agreement(invoke, registry: Registry, output_validator) -> None:
    payload = as_json(invoke("agreements", "list", "--json", "--on", "2025-04-01", expect=0))
    output_validator("agreements-list", payload)
    assert payload["on"] == "2025-04-01"
    rows = {row["id"]: row for row in payload["agreements"]}
    assert len(rows) == len(payload["agreements"]) == len(registry)
    assert set(rows) == set(registry.ids)
    for agreement in registry:
        row = rows[agreement.id]
        assert row["sender"] == agreement.sender
        assert row["receiver"] == agreement.receiver
        assert row["kind"] == agreement.kind.value
        assert "status" in row
    example = rows[EXAMPLE_ID]
    assert (example["sender"], example["receiver"]) == ("USA", "SLV")
    assert example["kind"] == "detention_outsourcing"
    assert example["status"] == "in_force"
    assert example["status_since"] == "2025-03-15"
    assert example["transferred_people"] == "288 (to 2025-04-30)"  # 261 + 17 + 10, to Apr 2025


@pytest.mark.parametrize(
    ("on", "status", "since"),
    [("2025-01-01", None, None), ("2025-02-10", "announced", "2025-02-03")],
)
def test_list_json_status_on_a_day(
    invoke, example_only_dir: Path, output_validator, on: str, status: str | None, since: str | None
) -> None:
    payload = as_json(
        invoke("agreements", "list", "--json", "--on", on, "--registry", example_only_dir, expect=0)
    )
    output_validator("agreements-list", payload)
    (row,) = payload["agreements"]
    assert (row["status"], row["status_since"]) == (status, since)


@pytest.mark.parametrize(
    ("options", "listed"),
    [
        (["--sender", "usa"], True),
        (["--sender", "GBR"], False),
        (["--receiver", "SLV"], True),
        (["--receiver", "GTM"], False),
        (["--kind", "detention_outsourcing"], True),
        (["--kind", "Detention outsourcing"], True),  # the words the tables print
        (["--kind", "readmission"], False),
    ],
)
def test_list_filters(invoke, example_only_dir: Path, options: list[str], listed: bool) -> None:
    payload = as_json(
        invoke("agreements", "list", "--json", *options, "--registry", example_only_dir, expect=0)
    )
    assert [r["id"] for r in payload["agreements"]] == ([EXAMPLE_ID] if listed else [])


def test_an_unknown_kind_lists_the_kinds_in_words(invoke, example_only_dir: Path) -> None:
    result = invoke(
        "agreements", "list", "--kind", "camps", "--registry", example_only_dir, expect=2
    )
    assert "--kind: 'camps' is not a kind of agreement" in result.stderr
    assert "detention outsourcing" in result.stderr


def test_the_list_schema_rejects_a_row_without_a_sender(invoke, example_only_dir, output_validator):
    payload = as_json(
        invoke("agreements", "list", "--json", "--registry", example_only_dir, expect=0)
    )
    del payload["agreements"][0]["sender"]
    with pytest.raises(jsonschema.ValidationError, match="'sender' is a required property"):
        output_validator("agreements-list", payload)


# --- show ---------------------------------------------------------------------------------


def test_show_json_is_the_whole_agreement(
    invoke, example_only_dir: Path, example: Agreement, output_validator
) -> None:
    payload = as_json(
        invoke("agreements", "show", EXAMPLE_ID, "--json", "--registry", example_only_dir, expect=0)
    )
    output_validator("agreements-show", payload)
    assert payload["view"] == {
        "as_known_on": None,
        "on": None,
        "status": payload["view"]["status"],
        "status_as_of": payload["view"]["status_as_of"],
        "status_text": payload["view"]["status_text"],
        "hidden_facts": 0,
        "hidden_sources": 0,
        "hidden_note": None,
    }
    # nothing is lost on the way to JSON: it reads back as the very agreement in the file
    assert Agreement.model_validate(payload["agreement"]) == example


def test_show_as_known_on_feb_3_hides_what_only_later_pages_report(
    invoke, example_only_dir: Path, example: Agreement, output_validator
) -> None:
    def shown(day: str) -> dict[str, Any]:
        args = ("agreements", "show", EXAMPLE_ID, "--as-known-on", day, "--json")
        return as_json(invoke(*args, "--registry", example_only_dir, expect=0))

    feb_3 = shown("2025-02-03")
    output_validator("agreements-show", feb_3)
    # Rubio spoke on 3 Feb, but every page the record cites for it is dated 4 Feb
    assert feb_3["agreement"]["claims"] == []
    assert feb_3["view"]["hidden_facts"] > 0 and "last possible day" in feb_3["view"]["hidden_note"]
    assert RUBIO_WORDS not in json.dumps(feb_3, ensure_ascii=False)
    feb_4 = shown("2025-02-04")
    claims = {c["id"]: c for c in feb_4["agreement"]["claims"]}
    assert RUBIO_WORDS in claims["rubio-us-citizens"]["words"]
    assert claims["rubio-us-citizens"]["speaker"]["name"] == "Marco Rubio"
    assert OFFICIAL_WORDS in claims["official-no-current-plans"]["words"]
    view = feb_4["view"]
    assert view["as_known_on"] == "2025-02-04"
    assert view["status"] == "announced"
    n_all = len(list(iter_facts(example)))
    n_known = len(list(iter_facts(as_known_on(example, date(2025, 2, 4)))))
    assert view["hidden_facts"] == n_all - n_known > 0


def test_show_on_a_day_keeps_only_binding_rulings(
    invoke, example_only_dir: Path, output_validator
) -> None:
    payload = as_json(
        invoke(
            "agreements",
            "show",
            EXAMPLE_ID,
            "--on",
            "2025-04-01",
            "--json",
            "--registry",
            example_only_dir,
            expect=0,
        )
    )
    output_validator("agreements-show", payload)
    assert payload["view"]["status"] == "in_force"
    rulings = {r["id"] for r in payload["agreement"]["rulings"]}
    assert "jgg-tro-2025-03-15" in rulings
    assert "aarp-scotus-2025-05-16" not in rulings


def test_show_unknown_id_fails_with_a_suggestion(invoke, example_only_dir: Path) -> None:
    result = invoke("agreements", "show", "usa-slv-2024", "--registry", example_only_dir)
    assert result.exit_code == 2
    assert "no agreement 'usa-slv-2024'" in result.stderr
    assert "did you mean usa-slv-2025" in result.stderr
    assert result.stdout == ""


def test_show_bad_day_fails_clearly(invoke, example_only_dir: Path) -> None:
    result = invoke(
        "agreements",
        "show",
        EXAMPLE_ID,
        "--as-known-on",
        "3 Feb 2025",
        "--registry",
        example_only_dir,
    )
    assert result.exit_code == 2
    assert "--as-known-on: '3 Feb 2025' is not a date; expected YYYY-MM-DD" in result.stderr


def _sources_table(output: str) -> dict[int, str]:
    """The numbered entries of the Sources list: number -> the text of its entry."""
    start = output.rindex("Sources")
    rows: dict[int, str] = {}
    current: int | None = None
    for line in output[start:].splitlines():
        match = re.match(r"^\[(\d+)\] ", line)
        if match:
            current = int(match.group(1))
            rows[current] = ""
        if current is not None:
            rows[current] += line + "\n"
    return rows


def test_show_human_output_has_the_claims_words_and_numbered_sources(
    invoke, wide_console, example_only_dir: Path, example: Agreement
) -> None:
    result = invoke("agreements", "show", EXAMPLE_ID, "--registry", example_only_dir, expect=0)
    out = result.stdout
    flat = one_line(out)
    sources = _sources_table(out)
    assert sorted(sources) == list(range(1, len(sources) + 1)), "sources are numbered 1..n"
    for claim in example.claims:
        words = one_line(claim.words)
        assert words in flat, claim.id
        # the claim's words are followed by the numbers of its sources ...
        match = re.search(re.escape(words) + r"[”\"]?\s*((?:\[\d+\])+)", flat)
        assert match, f"no footnotes after {claim.id}"
        numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
        assert len(numbers) == len(claim.sources), claim.id
        # ... and each number's row in the Sources table is that source, with its quote
        for number, source in zip(numbers, claim.sources, strict=True):
            row = one_line(sources[number])
            assert source.url in row, (claim.id, number)
            assert one_line(source.quote)[:40] in row, (claim.id, number)
        assert claim.speaker.name in flat
    assert "Claims, with what was said about them later" in out


def test_show_human_output_as_known_on_feb_4(invoke, wide_console, example_only_dir: Path) -> None:
    result = invoke(
        "agreements",
        "show",
        EXAMPLE_ID,
        "--as-known-on",
        "2025-02-04",
        "--registry",
        example_only_dir,
        expect=0,
    )
    flat = one_line(result.stdout)
    assert "as known on 2025-02-04" in flat
    assert "status: announced since 2025-02-03" in flat
    assert RUBIO_WORDS in flat


# --- compare ------------------------------------------------------------------------------


def test_compare_json(invoke, registry: Registry, output_validator) -> None:
    ids = [EXAMPLE_ID, *[i for i in registry.ids if i != EXAMPLE_ID][:2]]
    if len(ids) < 2:
        ids = [EXAMPLE_ID, EXAMPLE_ID]
    payload = as_json(
        invoke("agreements", "compare", *ids, "--on", "2025-04-01", "--json", expect=0)
    )
    output_validator("agreements-compare", payload)
    assert payload["ids"] == ids
    assert payload["view"]["on"] == "2025-04-01"
    rows = {row["field"]: row["values"] for row in payload["rows"]}
    assert all(len(values) == len(ids) for values in rows.values())
    for i, agreement_id in enumerate(ids):
        agreement = registry.get(agreement_id)
        assert rows["sender"][i] == (agreement.acting_sender or agreement.sender)
        assert rows["receiver"][i] == agreement.receiver
        assert rows["kind"][i] == agreement.kind.value
    assert rows["status"][0] == "in_force"
    assert rows["nationalities"][0] == "any"
    example = registry.get(EXAMPLE_ID)
    assert rows["rulings"][0] == len(in_force_on(example, date(2025, 4, 1)).rulings)
    assert rows["claims"][0] == len(example.claims)


def test_compare_needs_two_ids(invoke, example_only_dir: Path) -> None:
    result = invoke("agreements", "compare", EXAMPLE_ID, "--registry", example_only_dir)
    assert result.exit_code == 2
    assert "compare needs at least two agreement ids" in result.stderr


# --- validate -----------------------------------------------------------------------------


def test_validate_shipped_data(invoke, registry: Registry, output_validator) -> None:
    payload = as_json(invoke("agreements", "validate", "--json", expect=0))
    output_validator("agreements-validate", payload)
    assert payload["valid"] is True
    assert payload["problems"] == []
    assert sorted(payload["agreements"]) == sorted(registry.ids)
    assert sorted(payload["files"]) == sorted(str(p) for p in registry.files.values())


def test_validate_human_output(
    invoke, example_path: Path, write_agreement, edit_text, example_text: str
) -> None:
    ok = invoke("agreements", "validate", example_path, expect=0)
    assert "1 agreement(s) valid" in ok.stdout
    bad = write_agreement(
        edit_text(example_text, "\nsender: USA\n", "\nsender: US\n"), name=EXAMPLE_ID
    )
    result = invoke("agreements", "validate", bad.path, expect=1)
    line = bad.line_of("sender: US")
    assert f"{bad.path}:{line}:1: sender: 'US' is not an ISO 3166-1 alpha-3 country code" in (
        result.stdout
    )
    assert "USA (United States)" in result.stdout
    assert "1 problem(s) in 1 file(s)" in result.stdout
