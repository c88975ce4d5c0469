"""The scenario a run records: the resolved values, with the user's comments kept beside them.

A scenario file's comments are part of its meaning: the default scenario marks every figure
without a source `# ASSUMPTION`, and a report that dropped those markers would present guesses
as facts. The validated `Scenario` has no comments, and the file alone may differ from what ran
(`--replicas`, `--seed`, a relative population path made absolute). So the recorded YAML is the
file's own text, round-tripped with its comments, with each value replaced by the resolved one
where they differ; defaults the file leaves out are listed in a closing comment block, because
appending keys into a commented document would move each trailing comment under the wrong key.
Loading the recorded YAML gives the same scenario (and hash) as the run.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from accords.simulation.scenario import Scenario

HEADER = "# Resolved scenario of an accords run."


def _yaml() -> YAML:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 100
    return yaml


def plain_yaml(scenario: Scenario) -> str:
    """The resolved scenario with every default written out (no file to take comments from)."""
    buffer = io.StringIO()
    buffer.write(f"{HEADER} All defaults written out.\n")
    _yaml().dump(scenario.model_dump(mode="json"), buffer)
    return buffer.getvalue()


def _same(original: Any, resolved: Any) -> bool:
    """Whether a value as written equals the resolved one (so the written form is kept)."""
    if isinstance(original, date):
        return bool(original.isoformat() == resolved)
    if isinstance(original, bool) or isinstance(resolved, bool):
        return original is resolved
    if isinstance(original, int | float) and isinstance(resolved, int | float):
        return float(original) == float(resolved)
    return bool(original == resolved)


def _merge(node: Any, resolved: Any, path: str, defaults: list[str]) -> Any:
    """`node` (as written, with comments) updated in place to `resolved`; returns the new value."""
    if isinstance(node, CommentedMap) and isinstance(resolved, dict):
        for key, value in resolved.items():
            where = f"{path}.{key}" if path else str(key)
            if key in node:
                node[key] = _merge(node[key], value, where, defaults)
            elif value is not None:
                defaults.append(f"{where}: {_inline(value)}")
        return node
    if isinstance(node, CommentedSeq) and isinstance(resolved, list) and len(node) == len(resolved):
        for i, value in enumerate(resolved):
            node[i] = _merge(node[i], value, f"{path}[{i}]", defaults)
        return node
    if _same(node, resolved):
        return node
    return resolved


def _inline(value: Any) -> str:
    """A default as one line of YAML flow text, for the closing comment block."""
    buffer = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = True
    yaml.width = 10_000
    yaml.dump(value, buffer)
    text = buffer.getvalue().strip()
    return text.removesuffix("...").strip()


def resolved_yaml(scenario: Scenario, text: str | None = None, origin: str | None = None) -> str:
    """The scenario as it ran, keeping the comments of `text` (the file it came from) if given.

    Falls back to `plain_yaml` when there is no text or it does not parse as a mapping: the
    resolved values matter more than the comments, and the run must still be recorded.
    """
    if not text:
        return plain_yaml(scenario)
    yaml = _yaml()
    try:
        doc = yaml.load(text)
    except YAMLError:
        return plain_yaml(scenario)
    if not isinstance(doc, CommentedMap):
        return plain_yaml(scenario)
    defaults: list[str] = []
    _merge(doc, scenario.model_dump(mode="json"), "", defaults)
    buffer = io.StringIO()
    source = f" from {origin}" if origin else ""
    buffer.write(f"{HEADER} Values as run; comments{source}.\n")
    yaml.dump(doc, buffer)
    out = buffer.getvalue()
    if defaults:
        out = out.rstrip("\n") + "\n\n# Defaults applied (not written in the scenario file):\n"
        out += "".join(f"#   {line}\n" for line in defaults)
    return out


def assumption_lines(yaml_text: str) -> list[str]:
    """Every line of a scenario that carries an ASSUMPTION marker, stripped, in file order."""
    return [line.strip() for line in yaml_text.splitlines() if "ASSUMPTION" in line]


@dataclass(frozen=True)
class Assumption:
    """A value a scenario writes: where it is, what it is, and the comment on it (for a value
    marked `# ASSUMPTION`, the comment from ASSUMPTION on)."""

    field: str  # dotted path, e.g. population.synthetic.true_citizen_share
    value: str  # as written in the file
    note: str  # the comment on its line ("" for none)
    line: str  # the whole line, stripped


_KEY = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[A-Za-z_][\w-]*)\s*:(?:\s+|$)(?P<rest>.*)$"
)
_COMMENT = re.compile(r"(^|\s)#")


def commented_values(yaml_text: str) -> list[Assumption]:
    """Every value the scenario writes, in file order, with its dotted field path and the
    comment on its line.

    The comment is where a scenario names a value's source ("# FY2024 (CNNMoney, 2017)") or
    marks it `# ASSUMPTION`; a value marked by an `# ASSUMPTION` comment line directly above it
    carries that line. Items of lists share their list's path (`agreements.places`), so
    several values may have one path.
    """
    out: list[Assumption] = []
    stack: list[tuple[int, str]] = []
    pending: str | None = None
    for raw in yaml_text.splitlines():
        stripped = raw.strip()
        if not stripped:
            pending = None
            continue
        if stripped.startswith("#"):
            if stripped.lstrip("# ").startswith("ASSUMPTION"):
                pending = stripped.lstrip("# ")
            continue
        match = _KEY.match(raw)
        if match is None:
            pending = None
            continue
        indent = len(match["indent"]) + len(match["dash"] or "")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, match["key"]))
        rest = match["rest"]
        comment = _COMMENT.search(rest)
        value = rest[: comment.start()].strip() if comment else rest.strip()
        note = rest[comment.end() :].strip() if comment else ""
        if "ASSUMPTION" not in note and pending is not None:
            note = pending
        pending = None
        path = ".".join(k for _, k in stack)
        out.append(Assumption(field=path, value=value, note=note, line=stripped))
    return out


def assumptions(yaml_text: str) -> list[Assumption]:
    """The values a scenario marks as assumptions, with their field paths.

    A value is marked by `# ASSUMPTION` in the comment on its own line, or by a comment line
    that starts with `# ASSUMPTION` directly above it. Prose that merely mentions the word (like
    the default scenario's header) marks nothing.
    """
    return [
        replace(a, note=a.note[a.note.find("ASSUMPTION") :])
        for a in commented_values(yaml_text)
        if "ASSUMPTION" in a.note
    ]
