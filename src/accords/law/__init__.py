"""The law that bounds every agreement: rules per sending state, and what each kind requires.

Kinds differ in two requirements. A safe-third-country agreement and offshore processing move a
person *before* their protection claim is decided (that is their purpose: the claim is heard
elsewhere), and need no removal order; every other kind returns or removes a person, which needs
a final removal order and a decided claim first.
"""

from __future__ import annotations

from datetime import date

from accords.law import international, national
from accords.law.rules import Citation, LawRule
from accords.registry.models import Kind

# Kinds that transfer a person whose protection claim is to be heard in the receiving state.
CLAIM_HEARD_ELSEWHERE = frozenset({Kind.SAFE_THIRD_COUNTRY, Kind.OFFSHORE_PROCESSING})


def requires_decided_claim(kind: Kind) -> bool:
    return kind not in CLAIM_HEARD_ELSEWHERE


def requires_final_order(kind: Kind) -> bool:
    return kind not in CLAIM_HEARD_ELSEWHERE


def rules_for(state: str, day: date) -> dict[str, list[LawRule]]:
    """Rules in force on `day` for a sending state, by reason code, the state's own first."""
    out: dict[str, list[LawRule]] = {}
    for rule in national.RULES.get(state, []) + international.RULES:
        if rule.in_force_on(day):
            out.setdefault(rule.code, []).append(rule)
    return out


__all__ = [
    "Citation",
    "LawRule",
    "requires_decided_claim",
    "requires_final_order",
    "rules_for",
]
