"""Loading agreement files into a validated registry.

Every file is read and checked before any is used: the caller gets either a whole registry or an
`InputError` listing every problem in every file, each with file, line, column and field.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path

from accords.registry import cache
from accords.registry.checks import check_agreement
from accords.registry.countries import resolve_party
from accords.registry.models import Agreement
from accords.validation import InputError, PositionedDocument, Problem, field_path, load_model
from accords.version import DataVersion, data_version

AGREEMENT_SUFFIXES = (".yaml", ".yml")


def default_agreements_dir() -> Path:
    return Path(str(resources.files("accords") / "data" / "agreements"))


class Registry:
    """The agreements, by id, in a stable order (sender, then id)."""

    def __init__(self, agreements: Iterable[Agreement], files: dict[str, Path]) -> None:
        self.agreements = sorted(agreements, key=lambda a: (a.sender, a.id))
        self._by_id = {a.id: a for a in self.agreements}
        self.files = files

    def __iter__(self) -> Iterator[Agreement]:
        return iter(self.agreements)

    def __len__(self) -> int:
        return len(self.agreements)

    def __contains__(self, agreement_id: object) -> bool:
        return agreement_id in self._by_id

    @cached_property
    def version(self) -> DataVersion:
        """The data version of this registry with the shipped law and calibration tables."""
        return data_version(self)

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.agreements]

    def get(self, agreement_id: str) -> Agreement:
        try:
            return self._by_id[agreement_id]
        except KeyError:
            close = self.suggest(agreement_id)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"no agreement {agreement_id!r} in the registry{hint}") from None

    def suggest(self, wrong: str, n: int = 3) -> list[str]:
        """The ids closest to a wrong one: the same id in other case first, then by the parties
        and year the id names (`usa-slv-2024` → `usa-slv-2025`), then by spelling."""
        key = wrong.strip().lower()
        words = [w for w in re.split(r"[^a-z0-9]+", key) if w]
        years = {int(w) for w in words if len(w) == 4 and w.isdigit()}
        parties = {code for w in words if not w.isdigit() and (code := _party_or_none(w))}

        def score(a: Agreement) -> float:
            if a.id == key:
                return 100.0
            named = {a.sender, a.receiver, a.acting_sender} & parties
            year = min((abs(y - a.as_of.year) for y in years), default=99)
            near_year = 1.0 if any(str(y) in a.id for y in years) else 0.5 * (year <= 1)
            return 3.0 * len(named) + near_year + difflib.SequenceMatcher(None, key, a.id).ratio()

        ranked = sorted(self.agreements, key=lambda a: (-score(a), a.id))
        best = score(ranked[0]) if ranked else 0.0
        return [a.id for a in ranked if score(a) >= max(1.0, best - 2.0)][:n]

    def select(self, ids: Sequence[str] | None) -> list[Agreement]:
        """The named agreements in the order given (each once), or all of them."""
        return [self.get(i) for i in dict.fromkeys(ids)] if ids else list(self.agreements)

    def for_sender(self, state: str) -> list[Agreement]:
        return [a for a in self.agreements if a.sending_state == state]


def _party_or_none(word: str) -> str | None:
    try:
        return resolve_party(word)
    except ValueError:
        return None


def agreement_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in AGREEMENT_SUFFIXES)
    if path.exists():
        return [path]
    raise InputError([Problem(path, None, None, "", "no such file or directory")])


def load_agreement(path: Path) -> Agreement:
    return _load(path)[0]


def _load(path: Path) -> tuple[Agreement, Callable[[], PositionedDocument]]:
    """The file's agreement, and its positioned document (read only when asked for: a file
    whose bytes were validated before is taken from `cache`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(path, None, None, "", f"cannot read: {exc.strerror}")]) from None
    cached = cache.cached_agreement(data)
    if cached is not None and not list(check_agreement(cached, path.stem)):
        return cached, lambda: _read(path, data)[1]
    agreement, doc = _read(path, data)
    cache.keep(data, agreement)
    return agreement, lambda: doc


def _read(path: Path, data: bytes) -> tuple[Agreement, PositionedDocument]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, None, None, "", f"not UTF-8 text: {exc}")]) from None
    agreement, doc = load_model(path, Agreement, text)
    problems = []
    for loc, message in check_agreement(agreement, path.stem):
        line, column = doc.position(loc)
        problems.append(Problem(path, line, column, field_path(loc), message))
    if problems:
        raise InputError(problems)
    return agreement, doc


def collect(paths: Sequence[Path]) -> tuple[list[Agreement], dict[str, Path], list[Problem]]:
    """Every agreement that loads, and every problem in any of the files."""
    if not paths:
        raise InputError([Problem(Path(), None, None, "", "no agreement files or folders given")])
    files = [f for p in paths for f in agreement_files(p)]
    agreements: list[Agreement] = []
    where: dict[str, Path] = {}
    problems: list[Problem] = []
    for file in files:
        try:
            agreement, doc = _load(file)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if agreement.id in where:
            line, column = doc().position(("id",))
            message = f"duplicate id {agreement.id!r}, also in {where[agreement.id]}"
            problems.append(Problem(file, line, column, "id", message))
            continue
        agreements.append(agreement)
        where[agreement.id] = file
    if not files:
        problems.append(Problem(paths[0], None, None, "", "no agreement files (*.yaml) found"))
    return agreements, where, problems


def load_registry(path: str | Path | Sequence[str | Path] | None = None) -> Registry:
    """The validated registry: the shipped agreements, or those at `path` (a file or folder)."""
    if path is None:
        paths = [default_agreements_dir()]
    elif isinstance(path, str | Path):
        paths = [Path(path)]
    else:
        paths = [Path(p) for p in path]
    agreements, files, problems = collect(paths)
    if problems:
        raise InputError(problems)
    return Registry(agreements, files)
