"""How to cite an answer: plain text and BibTeX naming the code, the data and the permalink.

A quoted verdict or figure is only checkable if the reader can get the same answer: the
permalink gives the question, the accords version the code, the data version the registry,
law and calibration tables it was answered from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from accords.version import PACKAGE_VERSION

_KEY = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Citation:
    text: str
    bibtex: str


def _bib(value: str) -> str:
    """A BibTeX field value: braces balanced, so any title stays one field."""
    return value.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}")


def cite_answer(title: str, url: str, data_version: str, accessed: date) -> Citation:
    """The citation of the page or answer at `url`, read on `accessed`."""
    version = PACKAGE_VERSION
    text = (
        f"accords project, “{title}”, accords {version}, data {data_version}, {url} "
        f"(accessed {accessed.isoformat()})."
    )
    key = _KEY.sub("-", f"accords {title} {accessed.isoformat()}".lower()).strip("-")[:60]
    bibtex = (
        f"@misc{{{key},\n"
        f"  author = {{{{accords project}}}},\n"
        f"  title = {{{_bib(title)}}},\n"
        f"  howpublished = {{\\url{{{url}}}}},\n"
        f"  note = {{accords {version}, data {_bib(data_version)}; accessed "
        f"{accessed.isoformat()}}},\n"
        f"  year = {{{accessed.year}}}\n"
        f"}}"
    )
    return Citation(text, bibtex)
