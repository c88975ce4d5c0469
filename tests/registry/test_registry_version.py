"""One data version: it changes when any agreement file changes, and not otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

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
