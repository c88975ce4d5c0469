"""Full-text search over the registry: titles, summaries, parties, terms, claims, sources.

Every agreement is read as a list of (where, text) passages; parties are searchable by code and
by every English name of the state ("Türkiye", "Turkey"). A query matches an agreement when
each of its words starts a word somewhere in it (case and accents ignored, so "turkiye" finds
"Türkiye" and "deport" finds "deportees"). Agreements rank by where the words matched (a title
counts more than a source's publisher), with a bonus where the whole phrase appears; each hit
lists the passages it matched in, so a reader sees why it was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from accords.labels import plain
from accords.registry.countries import country_name, english_names, fold
from accords.registry.describe import term_rows
from accords.registry.export import iter_facts
from accords.registry.loader import Registry
from accords.registry.models import Agreement
from accords.version import Versioned

# How much a match counts, by where it is.
WEIGHTS: dict[str, float] = {
    "title": 5.0,
    "parties": 4.0,
    "summary": 3.0,
    "kind": 2.0,
    "legal form": 2.0,
    "terms": 2.0,
    "claims": 1.5,
    "rulings": 1.5,
    "numbers": 1.0,
    "sources": 1.0,
}
STOPWORDS = {"a", "an", "and", "of", "the", "to", "in", "on", "for", "by", "with", "or"}
SNIPPET = 90


class Match(BaseModel):
    where: str = Field(description="The part of the record: title, parties, terms, claims, ...")
    text: str = Field(description="The passage, shortened around the first word matched.")


class Hit(BaseModel):
    id: str
    title: str
    score: float = Field(description="Higher ranks first; only comparable within one search.")
    matches: list[Match]


class SearchOutput(Versioned):
    query: str
    hits: list[Hit]


def passages(agreement: Agreement) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a reader might search an agreement for."""
    yield "title", agreement.title
    yield "summary", agreement.summary.strip()
    for code in dict.fromkeys(
        c for c in (agreement.sender, agreement.acting_sender, agreement.receiver) if c
    ):
        also = [n for n in english_names(code) if n != country_name(code)]
        yield (
            "parties",
            f"{country_name(code)} ({code})" + (f"; also {', '.join(also)}" * bool(also)),
        )
    yield "kind", plain(agreement.kind)
    if agreement.legal_form:
        yield "legal form", agreement.legal_form.value
    for term, text, _ in term_rows(agreement):
        yield "terms", f"{term}: {text}"
    for claim in agreement.claims:
        who = ", ".join(
            x for x in (claim.speaker.name, claim.speaker.role, claim.speaker.affiliation) if x
        )
        words = claim.words.strip()
        quoted = words if words[:1] in "“\"'" else f"“{words}”"
        yield "claims", f"{who} ({claim.said_on}): {quoted}"
    for ruling in agreement.rulings:
        yield "rulings", f"{ruling.court}, {ruling.case} ({ruling.decided}): {ruling.holding}"
    for number in agreement.numbers:
        yield "numbers", number.label
    publishers = {
        who
        for _, fact in iter_facts(agreement)
        for s in fact.sources
        for who in (s.publisher, s.original)
        if who
    }
    for who in sorted(publishers):
        yield "sources", who


def _words(query: str) -> list[str]:
    words = fold(query).split()
    kept = [w for w in words if w not in STOPWORDS]
    return kept or words


def _snippet(text: str, words: list[str]) -> str:
    """The passage, cut to about SNIPPET characters around the first matched word."""
    if len(text) <= SNIPPET:
        return text
    folded = " " + re.sub(r"[^\w]", " ", text.casefold())
    found = [i for i in (folded.find(" " + w) for w in words) if i >= 0]
    start = min(found, default=0)
    begin = max(0, start - SNIPPET // 3)
    end = min(len(text), begin + SNIPPET)
    if begin:  # whole words only: start after a space, stop before one
        begin = text.find(" ", begin) + 1 if " " in text[begin:start] else begin
    if end < len(text):
        end = text.rfind(" ", begin, end) if " " in text[start:end] else end
    return ("…" if begin else "") + text[begin:end].strip() + ("…" if end < len(text) else "")


def _starts_word(folded: str, word: str) -> bool:
    return f" {word}" in f" {folded}"


def search(registry: Registry, query: str, limit: int | None = None) -> SearchOutput:
    """The agreements matching every word of `query`, best first, each with where it matched."""
    words = _words(query)
    phrase = " ".join(words)
    hits: list[Hit] = []
    for agreement in registry:
        found = [(where, text, fold(text)) for where, text in passages(agreement)]
        best: dict[str, float] = {}
        matched: dict[tuple[str, str], list[str]] = {}
        for where, text, folded in found:
            here = [w for w in words if _starts_word(folded, w)]
            for w in here:
                best[w] = max(best.get(w, 0.0), WEIGHTS[where])
            if here:
                matched.setdefault((where, text), here)
        if not words or len(best) < len(words):
            continue
        ranked = sorted(matched.items(), key=lambda m: (-len(m[1]), -WEIGHTS[m[0][0]]))
        shown = [Match(where=where, text=_snippet(text, ws)) for (where, text), ws in ranked[:4]]
        bonus = max(
            (WEIGHTS[where] for where, _, folded in found if _starts_word(folded, phrase)),
            default=0.0,
        )
        hits.append(
            Hit(
                id=agreement.id,
                title=agreement.title,
                score=round(sum(best.values()) + bonus, 2),
                matches=shown,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.id))
    return SearchOutput(
        query=query, hits=hits[:limit] if limit else hits, data_version=str(registry.version)
    )
