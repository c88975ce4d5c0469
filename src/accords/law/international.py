"""The international layer: binds every sending state in the registry.

Texts of the Refugee Convention art. 33 and the Convention against Torture art. 3 are as quoted
in the project's verified facts; ICCPR art. 12(4) and Refugee Convention art. 32(1) are quoted
from the treaties' own texts.
"""

from __future__ import annotations

from accords.law.rules import Citation, LawRule

REFUGEE_CONVENTION_33 = Citation(
    label="1951 Convention relating to the Status of Refugees, art. 33(1)",
    url="https://thetrcompany.com/en/refoulement/",
    quote=(
        "No Contracting State shall expel or return (refouler) a refugee in any manner whatsoever "
        "to the frontiers of territories where his life or freedom would be threatened on account "
        "of his race, religion, nationality, membership of a particular social group or political "
        "opinion."
    ),
)

CAT_3 = Citation(
    label="Convention against Torture (1984), art. 3(1)",
    url="http://legislation.data.gov.uk/uksi/1997/1769/schedule/1/part/I/crossheading/3/made/data.html",
    quote=(
        "No State Party shall expel, return (“refouler”) or extradite a person to another State "
        "where there are substantial grounds for believing that he would be in danger of being "
        "subjected to torture."
    ),
)

REFUGEE_CONVENTION_32 = Citation(
    label="1951 Convention relating to the Status of Refugees, art. 32(1)",
    url="https://www.unhcr.org/media/convention-and-protocol-relating-status-refugees",
    quote=(
        "The Contracting States shall not expel a refugee lawfully in their territory save on "
        "grounds of national security or public order."
    ),
)

ICCPR_12_4 = Citation(
    label="International Covenant on Civil and Political Rights (1966), art. 12(4)",
    url="https://www.ohchr.org/en/instruments-mechanisms/instruments/international-covenant-civil-and-political-rights",
    quote="No one shall be arbitrarily deprived of the right to enter his own country.",
)

RULES: list[LawRule] = [
    LawRule("citizen_of_sender", "international", ICCPR_12_4),
    LawRule("non_refoulement", "international", REFUGEE_CONVENTION_33),
    LawRule("non_refoulement", "international", CAT_3),
    LawRule("protected_status", "international", REFUGEE_CONVENTION_32),
    LawRule("pending_protection_claim", "international", REFUGEE_CONVENTION_33),
]
