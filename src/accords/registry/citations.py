"""Numbering sources for a page or a terminal view: each source once, in order of first use."""

from __future__ import annotations

from collections.abc import Sequence

from accords.registry.models import Fact, Source


class SourceIndex:
    """Footnote numbers for facts' sources; a source cited twice keeps its first number."""

    def __init__(self) -> None:
        self.sources: list[Source] = []
        self._index: dict[tuple[str, str], int] = {}

    def cite(self, fact: Fact | None) -> list[int]:
        """The numbers of the fact's sources (none for a missing fact)."""
        return [] if fact is None else self.cite_sources(fact.sources)

    def cite_all(self, facts: Sequence[Fact | None]) -> list[int]:
        """The numbers of several facts' sources, each once ("[10][3][11]", never a second
        "[10]" for a page two facts of one line share), in the order first cited."""
        numbers: list[int] = []
        for fact in facts:
            numbers.extend(n for n in self.cite(fact) if n not in numbers)
        return numbers

    def cite_sources(self, sources: Sequence[Source]) -> list[int]:
        """The numbers of these sources, numbering the new ones."""
        numbers = []
        for source in sources:
            key = (source.url, source.quote)
            if key not in self._index:
                self.sources.append(source)
                self._index[key] = len(self.sources)
            if self._index[key] not in numbers:
                numbers.append(self._index[key])
        return numbers
