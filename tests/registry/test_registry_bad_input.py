"""Bad agreement files: every problem names the file, the line and the field, and nothing is used.

Each case writes a file with one targeted edit and computes the expected line (and, for YAML
syntax errors, the column) from the text it wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accords.registry.loader import load_agreement, load_registry
from accords.validation import InputError, Problem

MINIMAL_ID = "test-minimal-2024"
EXAMPLE_ID = "usa-slv-2025"


@dataclass(frozen=True)
class Case:
    id: str
    old: str
    new: str
    field: str  # "" for YAML syntax errors, which have no field
    message: str  # a fragment of the problem's message
    at: str  # text on the one line the problem must point at, in the file as written
    hint: str | None = None  # a fragment of the problem's hint
    column_at: str | None = None  # where on that line the column must point
    name: str | None = None  # file name, when it is not the id

    def __str__(self) -> str:
        return self.id


MINIMAL_CASES = [
    Case(
        "yaml-mapping-in-scalar",
        "kind: offshore_processing\n",
        "kind: offshore_processing: x\n",
        "",
        "malformed YAML: mapping values are not allowed here",
        at="kind: offshore_processing: x",
        column_at=": x",
    ),
    Case(
        "yaml-tab",
        "    by: ratification\n",
        "\tby: ratification\n",
        "",
        "malformed YAML: found character",
        at="\tby: ratification",
        column_at="\tby",
    ),
    Case(
        "yaml-duplicate-key",
        "title: Minimal test agreement\n",
        "title: Minimal test agreement\ntitle: again\n",
        "",
        'malformed YAML: found duplicate key "title"',
        at="title: again",
        column_at="title: again",
    ),
    Case(
        "unknown-field-top",
        "receiver: RWA\n",
        "recieiver: RWA\n",
        "recieiver",
        "unknown field",
        at="recieiver: RWA",
        hint="did you mean 'receiver'?",
    ),
    Case(
        "unknown-field-in-list-item",
        "    by: ratification\n",
        "    bye: ratification\n",
        "status[1].bye",
        "unknown field",
        at="bye: ratification",
        hint="did you mean 'by'?",
    ),
    Case(
        "unknown-field-in-source",
        "        quote: The treaty entered into force.\n",
        "        qoute: The treaty entered into force.\n",
        "status[1].sources[0].qoute",
        "unknown field",
        at="qoute: The treaty entered",
        hint="did you mean 'quote'?",
    ),
    Case(
        "unknown-field-in-money",
        "        price_year: 2024\n",
        "        price_year: 2024\n        curency: GBP\n",
        "terms.price_schedule[0].money.curency",
        "unknown field",
        at="curency: GBP",
        hint="did you mean 'currency'?",
    ),
    Case(
        "country-sla",
        "receiver: RWA\n",
        "receiver: SLA\n",
        "receiver",
        "'SLA' is not an ISO 3166-1 alpha-3 country code. Did you mean",
        at="receiver: SLA",
    ),
    Case(
        "country-es",
        "receiver: RWA\n",
        "receiver: ES\n",
        "receiver",
        "'ES' is not an ISO 3166-1 alpha-3 country code. Did you mean ESP (Spain)",
        at="receiver: ES",
    ),
    Case(
        "country-gb",
        "sender: GBR\n",
        "sender: GB\n",
        "sender",
        "'GB' is not an ISO 3166-1 alpha-3 country code. Did you mean GBR (United Kingdom)",
        at="sender: GB",
    ),
    Case(
        "country-eu-is-not-a-receiving-state",
        "receiver: RWA\n",
        "receiver: EUE\n",
        "receiver",
        "'EUE' is not an ISO 3166-1 alpha-3 country code",
        at="receiver: EUE",
    ),
    Case(
        "sender-is-receiver",
        "receiver: RWA\n",
        "receiver: GBR\n",
        "receiver",
        "sender and receiver are the same state",
        at="receiver: GBR",
    ),
    Case(
        "status-dates-out-of-order",
        "\n    date: 2024-04-25\n",
        "\n    date: 2023-01-01\n",
        "status[1].date",
        "dates out of order: in_force on 2023-01-01 comes after signed on 2023-12-05",
        at="date: 2023-01-01",
    ),
    Case(
        "status-bad-month",
        "\n    date: 2024-04-25\n",
        "\n    date: 2024-13\n",
        "status[1].date",
        "'2024-13' has month 13; expected 01-12",
        at="date: 2024-13",
    ),
    Case(
        "claim-date-not-a-date",
        "    said_on: 2023-12-06\n",
        "    said_on: 6 Dec 2023\n",
        "claims[1].said_on",
        "'6 Dec 2023' is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD",
        at="said_on: 6 Dec 2023",
    ),
    Case(
        "sources-empty",
        "    sources:\n      - url: https://example.org/claim-2\n"
        "        date: 2023-12-06\n        quote: Not everyone can lawfully be relocated.\n",
        "    sources: []\n",
        "claims[1].sources",
        "List should have at least 1 item after validation, not 0",
        at="sources: []",
    ),
    Case(
        "sources-missing",
        "  value: treaty\n  sources:\n    - url: https://example.org/legal-form\n"
        "      date: 2024-04-25\n      quote: The treaty was ratified.\n",
        "  value: treaty\n",
        "legal_form.sources",
        "required field is missing",
        at="legal_form:",
    ),
    Case(
        "source-without-url",
        "      - url: https://example.org/in-force\n        date: 2024-04-25\n",
        "      - date: 2024-04-25\n",
        "status[1].sources[0].url",
        "required field is missing",
        at="- date: 2024-04-25",
    ),
    Case(
        "source-url-not-http",
        "      - url: https://example.org/signed\n",
        "      - url: example.org/signed\n",
        "status[0].sources[0].url",
        "String should match pattern",
        at="url: example.org/signed",
    ),
    Case(
        "source-quote-empty",
        "          quote: The UK paid 100 million pounds.\n",
        '          quote: ""\n',
        "terms.price_schedule[0].sources[0].quote",
        "String should have at least 1 character",
        at='quote: ""',
    ),
    Case(
        "money-without-currency",
        "        currency: GBP\n",
        "",
        "terms.price_schedule[0].money.currency",
        "required field is missing",
        at="      money:",
    ),
    Case(
        "money-without-price-year",
        "        price_year: 2024\n",
        "",
        "terms.price_schedule[0].money.price_year",
        "required field is missing",
        at="      money:",
    ),
    Case(
        "money-bad-currency",
        "        currency: GBP\n",
        "        currency: POUNDS\n",
        "terms.price_schedule[0].money.currency",
        "'POUNDS' is not an ISO 4217 currency code",
        at="currency: POUNDS",
    ),
    Case(
        "money-price-year-two-digits",
        "        price_year: 2024\n",
        "        price_year: 24\n",
        "terms.price_schedule[0].money.price_year",
        "Input should be greater than or equal to 1900",
        at="price_year: 24",
    ),
    Case(
        "money-amount-text",
        "        amount: 100000000\n",
        "        amount: £100m\n",
        "terms.price_schedule[0].money.amount",
        "Input should be a valid number",
        at="amount: £100m",
    ),
    Case(
        "money-amount-infinite",
        "        amount: 100000000\n",
        "        amount: .inf\n",
        "terms.price_schedule[0].money.amount",
        "Input should be a finite number",
        at="amount: .inf",
    ),
    Case(
        "money-amount-not-a-number",
        "        amount: 100000000\n",
        "        amount: .nan\n",
        "terms.price_schedule[0].money.amount",
        "Input should be a finite number",
        at="amount: .nan",
    ),
    Case(
        "money-amount-negative",
        "        amount: 100000000\n",
        "        amount: -100000000\n",
        "terms.price_schedule[0].money.amount",
        "greater than or equal to 0",
        at="amount: -100000000",
    ),
    Case(
        "money-amount-beyond-any-agreement",
        "        amount: 100000000\n",
        "        amount: 1e308\n",
        "terms.price_schedule[0].money.amount",
        "less than or equal to 10000000000000",
        at="amount: 1e308",
    ),
    Case(
        "money-amount-boolean",
        "        amount: 100000000\n",
        "        amount: true\n",
        "terms.price_schedule[0].money.amount",
        "Input should be a valid number",
        at="amount: true",
    ),
    Case(
        "price-year-as-text",
        "        price_year: 2024\n",
        "        price_year: '2024'\n",
        "terms.price_schedule[0].money.price_year",
        "Input should be a valid integer",
        at="price_year: '2024'",
    ),
    Case(
        "money-flow-without-currency",
        "    money: {amount: 240000000, currency: GBP, price_year: 2024}\n",
        "    money: {amount: 240000000, price_year: 2024}\n",
        "numbers[0].money.currency",
        "required field is missing",
        at="money: {amount: 240000000, price_year: 2024}",
    ),
    Case(
        "money-as-a-string",
        "    money: {amount: 240000000, currency: GBP, price_year: 2024}\n",
        "    money: 240000000 GBP 2024\n",
        "numbers[0].money",
        "Input should be an object",
        at="money: 240000000 GBP 2024",
    ),
    Case(
        "duplicate-claim-id",
        "  - id: lawyer-disagrees\n",
        "  - id: minister-anyone  # the second use\n",
        "claims[1].id",
        "duplicate id 'minister-anyone' (first used at claims.0.id)",
        at="# the second use",
    ),
    Case(
        "responds-to-unknown-claim",
        "    responds_to: [minister-anyone]\n",
        "    responds_to: [minister-anyon]\n",
        "claims[1].responds_to[0]",
        "responds to unknown claim 'minister-anyon'",
        at="responds_to: [minister-anyon]",
    ),
    Case(
        "unknown-kind",
        "kind: offshore_processing\n",
        "kind: offshore\n",
        "kind",
        "Input should be 'third_country_removal', 'safe_third_country'",
        at="kind: offshore",
    ),
    Case(
        "id-not-matching-file-name",
        "summary: A minimal",
        "summary: A minimal",
        "id",
        f"id {MINIMAL_ID!r} does not match the file name 'renamed-file'.yaml",
        at=f"id: {MINIMAL_ID}",
        name="renamed-file",
    ),
    Case(
        "id-badly-formed",
        f"id: {MINIMAL_ID}\n",
        "id: Test_Minimal_2024\n",
        "id",
        "String should match pattern",
        at="id: Test_Minimal_2024",
        name="Test_Minimal_2024",
    ),
]

# The same classes of mistake in a copy of the real example file.
EXAMPLE_CASES = [
    Case(
        "example-unknown-field",
        "\nreceiver: SLV\n",
        "\nrecieiver: SLV\n",
        "recieiver",
        "unknown field",
        at="recieiver: SLV",
        hint="did you mean 'receiver'?",
    ),
    Case(
        "example-country-sla",
        "\nreceiver: SLV\n",
        "\nreceiver: SLA\n",
        "receiver",
        "'SLA' is not an ISO 3166-1 alpha-3 country code. Did you mean",
        at="receiver: SLA",
    ),
    Case(
        "example-status-out-of-order",
        "\n    date: 2025-03-15\n",
        "\n    date: 2025-01-15\n",
        "status[1].date",
        "dates out of order: in_force on 2025-01-15 comes after announced on 2025-02-03",
        at="    date: 2025-01-15",
    ),
    Case(
        "example-legal-form-sources-empty",
        "  value: non-binding cooperation arrangement\n  sources:\n",
        "  value: non-binding cooperation arrangement\n  sources: []\n  old_sources:\n",
        "legal_form.sources",
        "List should have at least 1 item after validation, not 0",
        at="  sources: []",
    ),
    Case(
        "example-money-without-currency",
        "      money: {amount: 20000, currency: USD, price_year: 2025}\n",
        "      money: {amount: 20000, price_year: 2025}\n",
        "terms.price_schedule[0].money.currency",
        "required field is missing",
        at="money: {amount: 20000, price_year: 2025}",
    ),
    Case(
        "example-money-bad-currency",
        "      money: {amount: 20000, currency: USD, price_year: 2025}\n",
        "      money: {amount: 20000, currency: US$, price_year: 2025}\n",
        "terms.price_schedule[0].money.currency",
        "'US$' is not an ISO 4217 currency code",
        at="currency: US$",
        column_at="currency: US$",
    ),
    Case(
        "example-renamed",
        "\nas_of: 2026-02-13\n",
        "\nas_of: 2026-02-13\n",
        "id",
        f"id {EXAMPLE_ID!r} does not match the file name 'usa-slv-2025-copy'.yaml",
        at=f"id: {EXAMPLE_ID}",
        name="usa-slv-2025-copy",
    ),
]


def matching(problems: list[Problem], field: str, message: str) -> Problem:
    found = [p for p in problems if p.field == field and message in p.message]
    assert found, f"no problem at {field!r} with {message!r} in:\n" + "\n".join(map(str, problems))
    return found[0]


def check_case(
    case: Case,
    base: str,
    base_id: str,
    write_agreement: Callable[..., Any],
    edit_text: Callable[[str, str, str], str],
    invoke: Callable[..., Any],
    output_validator: Callable[[str, Any], None],
) -> None:
    written = write_agreement(edit_text(base, case.old, case.new), name=case.name or base_id)
    line = written.line_of(case.at)

    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    problem = matching(info.value.problems, case.field, case.message)
    assert problem.file == written.path
    assert problem.line == line, str(problem)
    if case.column_at is not None:
        assert problem.column == written.column_of(case.column_at), str(problem)
    if case.hint is not None:
        assert problem.hint is not None and case.hint in problem.hint, str(problem)
    # the exception's text carries all of it, for a traceback or a log
    assert f"{written.path}:{line}" in str(info.value)

    # `accords agreements validate FILE`: exit 1, every part of the problem on one line
    result = invoke("agreements", "validate", written.path, expect=1)
    lines = [ln for ln in result.stdout.splitlines() if f"{written.path}:{line}" in ln]
    assert lines, result.stdout
    head = f"{written.path}:{line}:"
    shown = [
        ln for ln in lines if case.message in ln and (f": {case.field}: " in ln or not case.field)
    ]
    assert shown, f"expected {head} {case.field}: {case.message} in:\n{result.stdout}"
    if case.hint is not None:
        assert any(case.hint in ln for ln in shown), result.stdout

    # ... and the same problem as JSON, in the shipped schema
    result = invoke("agreements", "validate", "--json", written.path, expect=1)
    payload = json.loads(result.stdout)
    output_validator("agreements-validate", payload)
    assert payload["valid"] is False
    assert payload["agreements"] == []
    assert str(written.path) in payload["files"]
    assert any(
        p["file"] == str(written.path)
        and p["line"] == line
        and p["field"] == case.field
        and case.message in p["message"]
        for p in payload["problems"]
    ), payload["problems"]


def test_the_minimal_base_is_valid(minimal_text: str, write_agreement, invoke) -> None:
    written = write_agreement(minimal_text)
    assert load_agreement(written.path).id == MINIMAL_ID
    invoke("agreements", "validate", written.path, expect=0)


@pytest.mark.parametrize("case", MINIMAL_CASES, ids=str)
def test_bad_minimal_file(
    case: Case, minimal_text: str, write_agreement, edit_text, invoke, output_validator
) -> None:
    check_case(case, minimal_text, MINIMAL_ID, write_agreement, edit_text, invoke, output_validator)


@pytest.mark.parametrize("case", EXAMPLE_CASES, ids=str)
def test_bad_copy_of_the_example(
    case: Case, example_text: str, write_agreement, edit_text, invoke, output_validator
) -> None:
    check_case(case, example_text, EXAMPLE_ID, write_agreement, edit_text, invoke, output_validator)


def test_duplicate_claim_id_in_the_example(example_text: str, example, write_agreement, edit_text):
    index = [c.id for c in example.claims].index("trump-heartbeat")
    first = [c.id for c in example.claims].index("rubio-us-citizens")
    text = edit_text(
        example_text, "  - id: trump-heartbeat\n", "  - id: rubio-us-citizens  # again\n"
    )
    written = write_agreement(text, name=EXAMPLE_ID)
    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    problem = matching(
        info.value.problems,
        f"claims[{index}].id",
        f"duplicate id 'rubio-us-citizens' (first used at claims.{first}.id)",
    )
    assert problem.file == written.path
    assert problem.line == written.line_of("# again")


def test_a_wrong_file_is_reported_even_when_it_is_valid_yaml_of_another_shape(
    write_agreement,
) -> None:
    written = write_agreement("- just\n- a list\n")
    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == (written.path, 1)
    assert problem.message == "expected a mapping of fields, got list"


def test_every_problem_in_every_file_is_reported(
    minimal_text: str, write_agreement, edit_text
) -> None:
    one = write_agreement(edit_text(minimal_text, "receiver: RWA\n", "receiver: SLA\n"), folder="d")
    two = write_agreement(
        edit_text(
            edit_text(minimal_text, f"id: {MINIMAL_ID}\n", "id: second-2024\n"),
            "        currency: GBP\n",
            "        currency: XXXX\n",
        ),
        name="second-2024",
        folder="d",
    )
    with pytest.raises(InputError) as info:
        load_registry(one.path.parent)
    where = {(p.file, p.line, p.field) for p in info.value.problems}
    assert (one.path, one.line_of("receiver: SLA"), "receiver") in where
    assert (
        two.path,
        two.line_of("currency: XXXX"),
        "terms.price_schedule[0].money.currency",
    ) in where


# --- duplicate agreement ids across files -------------------------------------------------


def test_duplicate_id_in_two_folders(minimal_text: str, write_agreement, invoke) -> None:
    first = write_agreement(minimal_text, folder="one")
    second = write_agreement(minimal_text, folder="two")
    with pytest.raises(InputError) as info:
        load_registry([first.path.parent, second.path.parent])
    (problem,) = info.value.problems
    assert problem.file == second.path
    assert problem.field == "id"
    assert f"duplicate id {MINIMAL_ID!r}, also in {first.path}" in problem.message

    result = invoke("agreements", "validate", first.path.parent, second.path.parent, expect=1)
    assert f"{second.path}:" in result.stdout
    assert f"duplicate id {MINIMAL_ID!r}, also in {first.path}" in result.stdout


def test_duplicate_id_as_yaml_and_yml_in_one_folder(minimal_text: str, write_agreement) -> None:
    yaml_file = write_agreement(minimal_text, name=f"{MINIMAL_ID}.yaml")
    yml_file = write_agreement(minimal_text, name=f"{MINIMAL_ID}.yml")
    with pytest.raises(InputError) as info:
        load_registry(yaml_file.path.parent)
    (problem,) = info.value.problems
    assert problem.file == yml_file.path
    assert f"also in {yaml_file.path}" in problem.message


def test_duplicate_id_points_at_the_id_line(example_text: str, write_agreement) -> None:
    first = write_agreement(example_text, name=EXAMPLE_ID, folder="one")
    second = write_agreement(example_text, name=EXAMPLE_ID, folder="two")
    with pytest.raises(InputError) as info:
        load_registry([first.path.parent, second.path.parent])
    (problem,) = info.value.problems
    assert problem.line == second.line_of(f"id: {EXAMPLE_ID}")


# --- bugs found while writing these tests -------------------------------------------------


def test_a_one_letter_typo_suggests_the_intended_code(
    minimal_text: str, write_agreement, edit_text
) -> None:
    written = write_agreement(edit_text(minimal_text, "receiver: RWA\n", "receiver: SLA\n"))
    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    problem = matching(info.value.problems, "receiver", "'SLA' is not")
    assert "SLV (El Salvador)" in problem.message


def test_an_impossible_unquoted_date_is_an_input_error(
    example_text: str, write_agreement, edit_text
) -> None:
    text = edit_text(example_text, "\n    date: 2025-03-15\n", "\n    date: 2025-02-30\n")
    written = write_agreement(text, name=EXAMPLE_ID)
    with pytest.raises(InputError) as info:
        load_agreement(written.path)
    problem = info.value.problems[0]
    assert problem.file == written.path
    assert problem.line == written.line_of("date: 2025-02-30")


def test_a_date_with_a_time_is_reported_or_reduced(
    example_text: str, write_agreement, edit_text
) -> None:
    text = edit_text(example_text, "\n    date: 2025-03-15\n", "\n    date: 2025-03-15 10:00:00\n")
    written = write_agreement(text, name=EXAMPLE_ID)
    try:
        agreement = load_agreement(written.path)
    except InputError as exc:
        assert any(p.line == written.line_of("2025-03-15 10:00:00") for p in exc.problems)
    else:
        assert type(agreement.status[1].date.earliest).__name__ == "date"


def test_an_empty_list_of_paths_is_an_input_error() -> None:
    with pytest.raises(InputError):
        load_registry([])


# --- nothing is written from a bad registry -----------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_export_from_a_bad_registry_writes_nothing(
    fmt: str, minimal_text: str, write_agreement, edit_text, invoke, tmp_path: Path
) -> None:
    bad = write_agreement(
        edit_text(minimal_text, "receiver: RWA\n", "receiver: SLA\n"), folder="bad"
    )
    out = tmp_path / "out" / f"registry.{fmt}"
    result = invoke(
        "agreements", "export", "--registry", bad.path.parent, "--format", fmt, "--out", out
    )
    assert result.exit_code != 0
    assert f"{bad.path}:{bad.line_of('receiver: SLA')}" in result.stderr
    assert "receiver" in result.stderr
    assert not out.exists()
    assert not out.with_name(f"registry.facts.{fmt}").exists()
    assert not out.parent.exists(), list(out.parent.iterdir())


def test_other_commands_refuse_a_bad_registry(
    minimal_text: str, write_agreement, edit_text, invoke
) -> None:
    bad = write_agreement(
        edit_text(minimal_text, "receiver: RWA\n", "receiver: SLA\n"), folder="bad"
    )
    for args in (["list"], ["show", MINIMAL_ID], ["compare", MINIMAL_ID, MINIMAL_ID]):
        result = invoke("agreements", *args, "--json", "--registry", bad.path.parent)
        assert result.exit_code == 2, args
        assert result.stdout == "", args
        assert f"{bad.path}:{bad.line_of('receiver: SLA')}" in result.stderr


def test_validate_reports_a_missing_path(invoke, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = invoke("agreements", "validate", "--json", missing, expect=1)
    payload = json.loads(result.stdout)
    assert payload["valid"] is False
    assert payload["problems"][0]["file"] == str(missing)
    assert "no such file or directory" in payload["problems"][0]["message"]


def test_validate_prints_the_users_text_verbatim(
    minimal_text: str, write_agreement, edit_text, invoke
) -> None:
    written = write_agreement(
        edit_text(minimal_text, "kind: offshore_processing\n", 'kind: "[bold]x"\n')
    )
    result = invoke("agreements", "validate", written.path, expect=1)
    assert "got '[bold]x'" in result.stdout
    result = invoke("agreements", "list", "--registry", written.path.parent)
    assert "got '[bold]x'" in result.stderr
