"""Export: the tables round-trip through every format, and a failed write leaves nothing behind."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import accords.registry.export as export_module
from accords.registry.export import (
    AGREEMENT_COLUMNS,
    FACT_COLUMNS,
    export,
    facts_path,
    iter_facts,
    read_export,
    tables,
)
from accords.registry.loader import Registry, load_registry
from accords.validation import InputError

FORMATS = ["csv", "json", "parquet"]
TODAY = date(2026, 1, 15)


def written_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def tricky_registry(tmp_path_factory: pytest.TempPathFactory, example_text: str) -> Registry:
    """The example with text that CSV and JSON must carry unchanged: an empty publisher, a
    multi-line quote with commas and double quotes, and non-ASCII characters."""
    old = (
        "      publisher: El Salvador Now\n      original: CNN\n      date: 2025-04-30\n"
        "      quote: >-\n        A US official"
    )
    new = (
        '      publisher: ""\n      original: CNN\n      date: 2025-04-30\n'
        '      quote: |-\n        Line one, with "quotes", commas; and ‘naïve’ — text\n\n'
        "        A US official"
    )
    assert example_text.count(old) == 1
    folder = tmp_path_factory.mktemp("tricky")
    (folder / "usa-slv-2025.yaml").write_text(example_text.replace(old, new), encoding="utf-8")
    return load_registry(folder)


def test_tables_have_one_row_per_agreement_and_per_fact_source(registry: Registry) -> None:
    agreements, facts = tables(registry, TODAY)
    assert dict(agreements.schema) == AGREEMENT_COLUMNS
    assert dict(facts.schema) == FACT_COLUMNS
    assert agreements["id"].to_list() == registry.ids
    n_rows = sum(len(f.sources) for a in registry for _, f in iter_facts(a))
    assert facts.height == n_rows
    assert facts["source_url"].null_count() == 0
    assert facts["quote"].null_count() == 0
    assert (facts["quote"].str.strip_chars().str.len_chars() > 0).all()
    example = agreements.row(by_predicate=pl.col("id") == "usa-slv-2025", named=True)
    assert example["status"] == "in_force"
    assert example["transferred_people"] == "288 (to 2025-04-30)"  # 261 + 17 + 10, to Apr 2025
    assert example["n_sources"] == facts.filter(pl.col("agreement") == "usa-slv-2025").height


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_the_shipped_registry(fmt: str, registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / f"registry.{fmt}"
    paths = export(registry, fmt, out, TODAY)  # type: ignore[arg-type]
    expected_paths = [out] if fmt == "json" else [out, facts_path(out)]
    assert paths == expected_paths
    assert written_files(tmp_path) == sorted(p.name for p in expected_paths)
    agreements, facts = read_export(fmt, out)  # type: ignore[arg-type]
    want_agreements, want_facts = tables(registry, TODAY)
    assert_frame_equal(agreements, want_agreements)
    assert_frame_equal(facts, want_facts)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_keeps_awkward_text(fmt: str, tricky_registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / f"registry.{fmt}"
    export(tricky_registry, fmt, out, TODAY)  # type: ignore[arg-type]
    agreements, facts = read_export(fmt, out)  # type: ignore[arg-type]
    want_agreements, want_facts = tables(tricky_registry, TODAY)
    assert_frame_equal(agreements, want_agreements)
    assert_frame_equal(facts, want_facts)
    assert "" in facts["publisher"].to_list()  # an empty string, not turned into null
    assert any(q.startswith('Line one, with "quotes"') and "\n\n" in q for q in facts["quote"])


def test_cli_export_round_trip(invoke, example_only_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "registry.csv"
    result = invoke(
        "agreements",
        "export",
        "--format",
        "csv",
        "--out",
        out,
        "--registry",
        example_only_dir,
        expect=0,
    )
    assert f"wrote {out}" in result.stdout.replace("\n", "")
    agreements, facts = read_export("csv", out)
    want_agreements, want_facts = tables(load_registry(example_only_dir))
    assert_frame_equal(agreements, want_agreements)
    assert_frame_equal(facts, want_facts)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--format", "csv", "--out", "reg.parquet"],
            "the suffix '.parquet' does not match --format csv; expected .csv",
        ),
        (
            ["--format", "json", "--out", "reg"],
            "a name without a suffix does not match --format json; expected .json",
        ),
        (["--out", "reg.txt"], "cannot tell the format from the suffix '.txt'"),
    ],
    ids=["contradicting suffix", "no suffix", "unknown suffix"],
)
def test_cli_export_refuses_a_suffix_that_is_not_the_formats(
    invoke, example_only_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    args: list[str], words: str
) -> None:
    """CSV in a file named .parquet would fail in the next tool, far from its cause."""
    monkeypatch.chdir(tmp_path)
    result = invoke("agreements", "export", *args, "--registry", example_only_dir, expect=2)
    assert words in result.stderr.replace("\n", "")
    assert written_files(tmp_path) == []


def test_cli_export_takes_the_format_from_the_suffix(
    invoke, example_only_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "registry.parquet"
    invoke("agreements", "export", "--out", out, "--registry", example_only_dir, expect=0)
    assert written_files(tmp_path) == ["registry.facts.parquet", "registry.parquet"]
    agreements, facts = read_export("parquet", out)
    want_agreements, want_facts = tables(load_registry(example_only_dir))
    assert_frame_equal(agreements, want_agreements)
    assert_frame_equal(facts, want_facts)


def test_export_from_python_refuses_a_suffix_that_is_not_the_formats(
    registry: Registry, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"expected \.csv"):
        export(registry, "csv", tmp_path / "registry.parquet", TODAY)
    assert written_files(tmp_path) == []


def test_json_export_holds_both_tables(registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "registry.json"
    export(registry, "json", out, TODAY)
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert set(payload) == {"agreements", "facts"}
    assert [row["id"] for row in payload["agreements"]] == registry.ids


# --- atomic writes ------------------------------------------------------------------------


def _failing_on_call(n: int, original: Any) -> Any:
    """A writer that works for calls before the n-th, then writes half a file and raises."""
    calls = {"count": 0}

    def write(self: pl.DataFrame, file: Any, *args: Any, **kwargs: Any) -> None:
        calls["count"] += 1
        if calls["count"] < n:
            original(self, file, *args, **kwargs)
            return
        Path(file).write_bytes(b"PAR1 half a file")
        raise OSError("disk full")

    return write


@pytest.mark.parametrize(("method", "fmt"), [("write_parquet", "parquet"), ("write_csv", "csv")])
@pytest.mark.parametrize("failing_call", [1, 2], ids=["agreements-table", "facts-table"])
def test_a_failed_write_leaves_no_file_and_no_part_file(
    monkeypatch: pytest.MonkeyPatch,
    registry: Registry,
    tmp_path: Path,
    method: str,
    fmt: str,
    failing_call: int,
) -> None:
    monkeypatch.setattr(
        pl.DataFrame, method, _failing_on_call(failing_call, getattr(pl.DataFrame, method))
    )
    out = tmp_path / f"registry.{fmt}"
    with pytest.raises(OSError, match="disk full"):
        export(registry, fmt, out, TODAY)  # type: ignore[arg-type]
    assert not out.exists()
    assert not facts_path(out).exists()
    assert written_files(tmp_path) == [], "no target and no leftover .part file"


def test_a_failed_json_write_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch, registry: Registry, tmp_path: Path
) -> None:
    def boom(*args: Any, **kwargs: Any) -> str:
        raise ValueError("cannot serialise")

    monkeypatch.setattr(export_module.json, "dumps", boom)
    out = tmp_path / "registry.json"
    with pytest.raises(ValueError, match="cannot serialise"):
        export(registry, "json", out, TODAY)
    assert written_files(tmp_path) == []


def test_a_failed_write_keeps_the_previous_export(
    monkeypatch: pytest.MonkeyPatch, registry: Registry, tmp_path: Path
) -> None:
    out = tmp_path / "registry.parquet"
    export(registry, "parquet", out, TODAY)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(
        pl.DataFrame, "write_parquet", _failing_on_call(2, pl.DataFrame.write_parquet)
    )
    with pytest.raises(OSError, match="disk full"):
        export(registry, "parquet", out, date(2027, 1, 1))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
