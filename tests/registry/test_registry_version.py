"""One data version: it changes when any agreement file changes, and not otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import accords
from accords.registry.loader import Registry, default_agreements_dir, load_registry
from accords.simulation.plan import registry_version


def copy_shipped(folder: Path) -> Path:
    shutil.copytree(default_agreements_dir(), folder)
    return folder


def test_the_digest_changes_exactly_when_an_agreement_file_changes(tmp_path: Path) -> None:
    folder = copy_shipped(tmp_path / "agreements")
    loaded = load_registry(folder)
    before = loaded.version
    assert load_registry(copy_shipped(tmp_path / "again")).version == before  # not the place

    def now() -> str:  # a fresh Registry over the same files (the digest reads the files)
        return Registry(loaded.agreements, loaded.files).version.digest

    assert now() == before.digest  # reading again changes nothing
    for path in sorted(folder.glob("*.yaml")):
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "# an edit\n", encoding="utf-8")
        assert now() != before.digest, path.name
        path.write_text(original, encoding="utf-8")
    assert now() == before.digest


def test_version_names_the_newest_source_and_runs_record_the_same_digest(registry) -> None:
    version = registry.version
    assert len(version.digest) == 16 and int(version.digest, 16) >= 0
    newest = max(
        s.date.latest for a in registry for f in a.status for s in f.sources if s.date is not None
    )
    assert version.newest_source is not None and version.newest_source >= newest
    assert registry_version(registry) == version.digest


def test_accords_version_prints_package_and_data_version(invoke, registry) -> None:
    import accords

    printed = invoke("--version", expect=0).stdout
    assert f"accords {accords.__version__}" in printed
    assert str(registry.version) in printed


@pytest.mark.parametrize(
    "args",
    [
        ["agreements", "list"],
        ["agreements", "show", "usa-slv-2025"],
        ["agreements", "timeline", "usa-slv-2025"],
        ["agreements", "compare", "usa-slv-2025", "gbr-rwa-2022"],
        ["agreements", "search", "El Salvador"],
        ["agreements", "validate"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_every_json_answer_names_its_data_version(invoke, args: list[str]) -> None:
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["data_version"] == str(load_registry().version)


def test_the_api_names_its_data_version(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from accords.api import create_app
    from accords.api.settings import Settings

    version = str(load_registry().version)
    with TestClient(create_app(Settings(db=tmp_path / "runs.duckdb"))) as client:
        answer = client.get("/api/version").json()
        assert answer["data_version"] == version
        assert answer["accords_version"] == accords.__version__
        for url in ("/api/agreements", "/api/agreements/usa-slv-2025", "/agreements.json"):
            assert client.get(url).json()["data_version"] == version, url
        assert version in client.get("/agreements").text  # every page's footer
