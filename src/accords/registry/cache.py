"""Validated agreements kept by the hash of their file's bytes, so that a command does not parse
the same YAML again.

Reading an agreement file keeps the line and column of every value, for error messages, and
that parser is pure Python: the shipped registry (about 640 KB of YAML) takes about 3 s to read
and validate, against about 0.03 s to validate the same agreements from JSON. A file that passed
every check is therefore kept as its agreement's JSON, under the SHA-256 of its bytes and of the
package's source (any change to the code, the model's or a type it uses, makes new keys), so an
edited file or a changed model never meets an old entry. An entry is used only for the very
bytes it was made from; it is validated again on use (strictly, as JSON), and anything
unreadable is ignored and rewritten. A file with problems is never kept: its errors always come
from the full reader.

The folder is `$ACCORDS_CACHE` (`off` turns the cache off), else the user's cache folder
(platformdirs). The cache is only ever a shortcut: if it cannot be read or written, agreements
are read from their files as if it were not there.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import cache
from pathlib import Path

import platformdirs
from pydantic import ValidationError

from accords.atomic import write_text_atomic
from accords.registry.models import Agreement

CACHE_ENV = "ACCORDS_CACHE"
OFF = {"off", "0", "no", ""}


def cache_folder() -> Path | None:
    """Where validated agreements are kept, or None when the cache is turned off."""
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return None if given.strip().lower() in OFF else Path(given) / "agreements"
    return Path(platformdirs.user_cache_dir("accords")) / "agreements"


@cache
def code_fingerprint() -> str:
    """A hash of the package's Python source: the code that reads and validates agreement
    files and every type their model uses (a few milliseconds, once per process)."""
    package = Path(__file__).parents[1]  # the accords package, this file in its registry/
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*.py")):
        digest.update(str(source.relative_to(package)).encode() + b"\0")
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _entry(data: bytes) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    key = hashlib.sha256(code_fingerprint().encode() + b"\0" + data).hexdigest()
    return folder / f"{key}.json"


def cached_agreement(data: bytes) -> Agreement | None:
    """The agreement a file of exactly these bytes was validated as, if it was kept."""
    entry = _entry(data)
    if entry is None:
        return None
    try:
        return Agreement.model_validate_json(entry.read_bytes(), strict=True)
    except (OSError, ValidationError):
        return None


def keep(data: bytes, agreement: Agreement) -> None:
    """Keep a validated agreement for the next read of the same bytes (atomically: a reader
    sees a whole entry or none)."""
    entry = _entry(data)
    if entry is None:
        return
    with contextlib.suppress(OSError):
        write_text_atomic(entry, agreement.model_dump_json())
