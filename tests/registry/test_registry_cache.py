"""The cache of validated agreements: a shortcut that never changes what a load gives.

Each test points ACCORDS_CACHE at a folder of its own, so what it sees is what it wrote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from accords.registry import cache, loader
from accords.registry.loader import load_registry
from accords.registry.models import Agreement
from accords.validation import InputError


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(where))
    return where / "agreements"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the full reader fail, so a load that succeeds came from the cache."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(loader, "load_model", refuse)


def test_a_second_load_of_the_same_files_is_the_same_registry_without_parsing(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_registry()
    assert len(list(folder.glob("*.json"))) == len(first)
    _no_parsing(monkeypatch)
    second = load_registry()
    assert list(second) == list(first)
    assert second.version == first.version


def test_an_edited_file_is_read_again(
    folder: Path, tmp_path: Path, minimal_text: str, minimal_id: str
) -> None:
    path = tmp_path / "registry" / f"{minimal_id}.yaml"
    path.parent.mkdir()
    path.write_text(minimal_text, encoding="utf-8")
    before = load_registry(path.parent).get(minimal_id)
    path.write_text(
        minimal_text.replace("title: Minimal test agreement", "title: Edited title"),
        encoding="utf-8",
    )
    after = load_registry(path.parent).get(minimal_id)
    assert (before.title, after.title) == ("Minimal test agreement", "Edited title")


def test_the_same_bytes_under_another_name_get_their_error_with_its_line(
    folder: Path, tmp_path: Path, minimal_text: str, minimal_id: str
) -> None:
    """The cached agreement is still checked against its file: an id that does not match the
    file's name is refused, with the line the full reader finds."""
    good = tmp_path / "good" / f"{minimal_id}.yaml"
    good.parent.mkdir()
    good.write_text(minimal_text, encoding="utf-8")
    load_registry(good.parent)
    renamed = tmp_path / "bad" / "another-name.yaml"
    renamed.parent.mkdir()
    shutil.copy(good, renamed)
    with pytest.raises(InputError) as raised:
        load_registry(renamed.parent)
    [problem] = raised.value.problems
    expected = minimal_text.splitlines().index(f"id: {minimal_id}") + 1
    assert (problem.field, problem.line) == ("id", expected)
    assert "does not match the file name" in problem.message


def test_a_file_with_problems_is_never_kept(folder: Path, tmp_path: Path, minimal_id: str) -> None:
    path = tmp_path / "registry" / f"{minimal_id}.yaml"
    path.parent.mkdir()
    path.write_text(f"id: {minimal_id}\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_registry(path.parent)
    assert not list(folder.glob("*.json"))


def test_a_duplicate_id_found_from_the_cache_has_its_line(
    folder: Path, tmp_path: Path, minimal_text: str, minimal_id: str
) -> None:
    """The positions of a cached file are read only when an error needs them."""
    folders = [tmp_path / "a", tmp_path / "b"]
    for where in folders:
        where.mkdir()
        (where / f"{minimal_id}.yaml").write_text(minimal_text, encoding="utf-8")
    load_registry(folders[0])
    with pytest.raises(InputError) as raised:
        load_registry(folders)
    [problem] = raised.value.problems
    assert problem.file == folders[1] / f"{minimal_id}.yaml"
    assert problem.line == minimal_text.splitlines().index(f"id: {minimal_id}") + 1


def test_a_damaged_entry_is_ignored_and_rewritten(folder: Path) -> None:
    first = load_registry()
    entries = sorted(folder.glob("*.json"))
    entries[0].write_text('{"id": "truncated', encoding="utf-8")
    entries[1].write_text("{}", encoding="utf-8")
    assert list(load_registry()) == list(first)
    for entry in entries:
        Agreement.model_validate_json(entry.read_bytes(), strict=True)
    assert list(load_registry()) == list(first)


def test_turned_off_it_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.cache_folder() is None
    before = set(tmp_path.rglob("*"))
    load_registry()
    assert set(tmp_path.rglob("*")) == before


def test_an_unwritable_cache_does_not_stop_a_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker))
    assert len(load_registry()) > 0
