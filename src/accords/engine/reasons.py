"""The stable reason codes, their bits in the reason masks, and the verdict they lead to.

Each check sets its bit in `fail_mask` when it fails and in `unknown_mask` when the person's
facts cannot decide it. The verdict follows the design's precedence: not in force, then law
(barred), then coverage (not covered); a case with no failure but an unknown is `undetermined`,
never `permitted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Group(IntEnum):
    STATUS = 0
    LAW = 1
    COVERAGE = 2


class Verdict(StrEnum):
    PERMITTED = "permitted"
    UNDETERMINED = "undetermined"
    NOT_COVERED = "not_covered"
    BARRED = "barred"
    NOT_IN_FORCE = "not_in_force"


VERDICTS = [v.value for v in Verdict]


@dataclass(frozen=True)
class ReasonSpec:
    code: str
    group: Group
    bit: int
    fails: str
    unknown: str

    @property
    def unknown_code(self) -> str:
        return f"{self.code}_unknown"


_SPECS: list[tuple[str, Group, str, str]] = [
    (
        "not_yet_in_force",
        Group.STATUS,
        "The agreement was not yet in force on {day} ({status}).",
        "",
    ),
    ("ended", Group.STATUS, "The agreement had ended by {day}.", ""),
    ("suspended", Group.STATUS, "The agreement was suspended on {day}.", ""),
    (
        "citizen_of_sender",
        Group.LAW,
        "The person is a citizen of {sender}, the sending state; a state does not remove its own "
        "citizens.",
        "The person's citizenship is unknown; if they are a citizen of {sender}, removal is "
        "barred.",
    ),
    (
        "non_refoulement",
        Group.LAW,
        "The person holds protection against return to {receiver} (non-refoulement).",
        "It is unknown whether the person holds protection against {receiver}; if they do, "
        "transfer there is barred.",
    ),
    (
        "protected_status",
        Group.LAW,
        "The person has been granted refugee or asylee status in {sender}.",
        "The person's asylum status is unknown; if it was granted, removal is barred.",
    ),
    (
        "pending_protection_claim",
        Group.LAW,
        "The person's protection claim is pending, and a {kind} agreement requires it to be "
        "decided first.",
        "It is unknown whether the person has a pending protection claim; if so, it must be "
        "decided first.",
    ),
    (
        "no_final_order",
        Group.LAW,
        "The person has no final removal order, which a {kind} agreement requires.",
        "It is unknown whether the person has a final removal order; without one, removal is "
        "barred.",
    ),
    (
        "receiving_state_unsafe",
        Group.LAW,
        "A ruling in force on {day} holds that {receiver} is not a safe country for this transfer.",
        "",
    ),
    (
        "court_order",
        Group.LAW,
        "A court order in force on {day} bars the removal of a class the person belongs to.",
        "It is unknown whether the person belongs to a class a court order in force protects.",
    ),
    (
        "not_in_sending_state",
        Group.COVERAGE,
        "The person is in {present_in}, not in {sender}, which sends under this agreement.",
        "",
    ),
    (
        "nationality_not_covered",
        Group.COVERAGE,
        "The agreement does not cover the person's nationality.",
        "The person's nationality, or the agreement's nationality term on {day}, is unknown.",
    ),
    (
        "category_not_covered",
        Group.COVERAGE,
        "The person is in none of the categories the agreement covers.",
        "Facts needed to place the person in a covered category are unknown.",
    ),
    (
        "excluded_minor",
        Group.COVERAGE,
        "The agreement excludes minors, and the person is under 18.",
        "The person's age is unknown; the agreement excludes minors.",
    ),
    (
        "excluded_unaccompanied_minor",
        Group.COVERAGE,
        "The agreement excludes unaccompanied minors, and the person is one.",
        "It is unknown whether the person is an unaccompanied minor, whom the agreement excludes.",
    ),
    (
        "excluded_sex",
        Group.COVERAGE,
        "The agreement covers men only.",
        "The person's sex is unknown; the agreement covers men only.",
    ),
    (
        "excluded_vulnerable",
        Group.COVERAGE,
        "The agreement excludes vulnerable people.",
        "It is unknown whether the person is vulnerable; the agreement excludes vulnerable people.",
    ),
    (
        "excluded_family",
        Group.COVERAGE,
        "The agreement excludes families.",
        "It is unknown whether the person is part of a family unit, which the agreement excludes.",
    ),
    (
        "excluded_convicted",
        Group.COVERAGE,
        "The agreement excludes people with criminal convictions.",
        "It is unknown whether the person has a conviction; the agreement excludes them.",
    ),
    (
        "arrival_not_covered",
        Group.COVERAGE,
        "The person's arrival (how or when) is not one the agreement covers.",
        "The person's arrival mode or date is unknown; the agreement covers only some arrivals.",
    ),
]

REASONS: dict[str, ReasonSpec] = {
    code: ReasonSpec(code, group, 1 << i, fails, unknown)
    for i, (code, group, fails, unknown) in enumerate(_SPECS)
}
CODES = list(REASONS)


def group_mask(group: Group) -> int:
    return sum(spec.bit for spec in REASONS.values() if spec.group is group)


STATUS_BITS = group_mask(Group.STATUS)
LAW_BITS = group_mask(Group.LAW)
COVERAGE_BITS = group_mask(Group.COVERAGE)
