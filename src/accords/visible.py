"""User text made inert: control characters and bidi overrides shown, never interpreted.

A person id, an agreement's title or a scenario's name is data. Printed raw, an ANSI escape in
it could recolour or erase the terminal, a right-to-left override (U+202E) could reverse what
follows so that "barred" reads as something else, and a line break could print a fake line.
`visible` replaces each such character with its escape (`\\x1b`, `\\u202e`), so the reader sees
that it is there and what it is. The terminal (`accords.commands.common`) and the web pages
(`accords.api.pages`) both pass every piece of user text through it.
"""

from __future__ import annotations

import re

# Directional formatting characters (Unicode bidi controls) and the line/paragraph separators.
_FORMAT = "\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
# C0 controls (but tab and line feed, allowed by `lines`), DEL and C1 controls.
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}]")
_CONTROLS_AND_LINES = re.compile(f"[\x00-\x1f\x7f-\x9f{_FORMAT}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """`text` with every control and bidi character written as its escape.

    With `lines`, line feeds and tabs are kept (for multi-line text such as a scenario's YAML
    or a quote); otherwise they too are shown, so one field prints as one line.
    """
    pattern = _CONTROLS if lines else _CONTROLS_AND_LINES
    return pattern.sub(_escape, text)
