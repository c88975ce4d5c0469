"""The stable reason codes, their fixed bits in the reason masks, and the verdict they lead to.

Each check sets its bit in `fail_mask` when it fails and in `unknown_mask` when the person's
facts cannot decide it. The codes are declared in `accords.engine.rules` (one `ReasonSpec` each,
with a bit fixed for good: files already written decode the same); the verdict follows the
`PRECEDENCE` table: not in force, then law (barred), then coverage (not covered); a case with no
failure but an unknown is `undetermined`, never `permitted`.
"""

from __future__ import annotations

from accords.engine.rules import SPECS
from accords.engine.spec import OTHERWISE, PRECEDENCE, Group, Precedence, ReasonSpec, Verdict
from accords.engine.spec import VERDICTS as VERDICTS


def _index(specs: list[ReasonSpec]) -> dict[str, ReasonSpec]:
    """The declarations by code, refusing a repeated code or bit, or a bit that is not one bit."""
    out: dict[str, ReasonSpec] = {}
    bits: set[int] = set()
    for spec in specs:
        if spec.code in out or spec.bit in bits or spec.bit.bit_count() != 1 or spec.bit >= 1 << 32:
            raise ValueError(
                f"reason code {spec.code!r}: repeated code, or bit {spec.bit} not free"
            )
        out[spec.code] = spec
        bits.add(spec.bit)
    return out


REASONS: dict[str, ReasonSpec] = _index(SPECS)
CODES = list(REASONS)


def group_mask(group: Group) -> int:
    return sum(spec.bit for spec in REASONS.values() if spec.group is group)


STATUS_BITS = group_mask(Group.STATUS)
LAW_BITS = group_mask(Group.LAW)
COVERAGE_BITS = group_mask(Group.COVERAGE)


def precedence_bits(row: Precedence) -> int:
    """The bits a precedence row looks at: its group's, or every bit for the unknown row."""
    return group_mask(row.group) if row.group is not None else sum(s.bit for s in SPECS)


def verdict_of(fail_mask: int, unknown_mask: int) -> Verdict:
    """The verdict a pair of masks means, by the precedence table."""
    for row in PRECEDENCE:
        mask = fail_mask if row.group is not None else unknown_mask
        if mask & precedence_bits(row):
            return row.verdict
    return OTHERWISE


def docs_table() -> str:
    """The reason-code table of docs/engine.md, as Markdown (a test keeps the docs equal to it)."""
    rows = [
        "| group | code | bit | fails when | cited from |",
        "|---|---|---|---|---|",
    ]
    rows += [
        f"| {s.group.name.lower()} | `{s.code}` | {s.bit} | {s.when} | {s.cited_from.value} |"
        for s in REASONS.values()
    ]
    return "\n".join(rows) + "\n"


__all__ = [
    "CODES",
    "COVERAGE_BITS",
    "LAW_BITS",
    "PRECEDENCE",
    "REASONS",
    "STATUS_BITS",
    "VERDICTS",
    "Group",
    "ReasonSpec",
    "Verdict",
    "docs_table",
    "group_mask",
    "verdict_of",
]
