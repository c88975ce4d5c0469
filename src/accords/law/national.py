"""Each sending state's own rules, keyed by the state's alpha-3 code.

US texts are as quoted in the project's verified facts. For the other states, the statute or
treaty text is quoted from the instrument itself (UK Immigration Act 1971 s.3(5); Canadian
Charter s.6(1); ECHR Protocol No. 4 art. 3 for Italy and Greece); where no state-specific text
is given the international layer applies alone.
"""

from __future__ import annotations

from datetime import date

from accords.law.rules import Citation, LawRule

AFROYIM = Citation(
    label="Afroyim v. Rusk, 387 U.S. 253 (1967)",
    url="https://case-law.vlex.com/vid/387-u-s-253-606665186",
    date="1967-05-29",
    quote=(
        "Held: Congress has no power under the Constitution to divest a person of his United "
        "States citizenship absent his voluntary renunciation thereof."
    ),
)

INA_ALIEN = Citation(
    label="8 U.S.C. 1101(a)(3) (removal provisions apply to aliens)",
    url="https://uscode.house.gov/view.xhtml?req=(title:8%20section:1101%20edition:prelim)",
    quote='(3) The term "alien" means any person not a citizen or national of the United States.',
)

INA_WITHHOLDING = Citation(
    label="8 U.S.C. 1231(b)(3)(A) (INA 241(b)(3)) withholding of removal",
    url="http://www.justice.gov/eoir/vll/benchbook/resources/sfoutline/withholding.html",
    quote=(
        "(A) In general Notwithstanding paragraphs (1) and (2), the Attorney General may not "
        "remove an alien to a country if the Attorney General decides that the alien’s life or "
        "freedom would be threatened in that country because of the alien’s race, religion, "
        "nationality, membership in a particular social group,or political opinion."
    ),
)

INA_REMOVAL_COUNTRIES = Citation(
    label="8 U.S.C. 1231(b)(2) (countries to which an alien ordered removed may be removed)",
    url="https://en.m.wikisource.org/wiki/Page:United_States_Statutes_at_Large_Volume_110_Part_4.djvu/764",
    date="1996-09-30",
    quote=(
        "(E) ADDITIONAL REMOVAL COUNTRIES.—If an alien is not removed to a country under the "
        "previous subparagraphs of this paragraph, the Attorney General shall remove the alien to "
        "any of the following countries"
    ),
)

# Removal to the person's own country, which needs no agreement: the cited basis of US
# "ordinary returns" in a simulation scenario.
INA_OWN_COUNTRY = Citation(
    label="8 U.S.C. 1231(b)(2)(D) (removal to a country of which the alien is a national)",
    url="https://en.m.wikisource.org/wiki/Page:United_States_Statutes_at_Large_Volume_110_Part_4.djvu/764",
    date="1996-09-30",
    quote=(
        "(D) ALTERNATIVE COUNTRY. — If an alien is not removed to a country designated under "
        "subparagraph (A)(i), the Attorney General shall remove the alien to a country of which "
        "the alien is a subject, national, or citizen unless the government of the country— ... "
        "(ii) is not willing to accept the alien into the country."
    ),
)

UK_IMMIGRATION_ACT_3_5 = Citation(
    label="Immigration Act 1971 (UK), s.3(5)",
    url="https://www.legislation.gov.uk/ukpga/1971/77/section/3",
    quote=(
        "A person who is not a British citizen is liable to deportation from the United Kingdom if"
    ),
)

UK_REFOULEMENT = Citation(
    label="R (AAA) v Secretary of State for the Home Department [2023] UKSC 42",
    url="https://www.doughtystreet.co.uk/news/supreme-court-rules-governments-rwanda-policy-unlawful",
    date="2023-11",
    quote=(
        "the prohibition of refoulement is enshrined in the Refugee Convention 1951 but also given "
        "effect by other international treaties to which the United Kingdom is a party, including "
        "the United Nations Convention against Torture 1984 and the United Nations International "
        "Covenant on Civil and Political Rights 1966."
    ),
)

CANADA_CHARTER_6 = Citation(
    label="Canadian Charter of Rights and Freedoms, s.6(1)",
    url="https://laws-lois.justice.gc.ca/eng/const/page-12.html",
    quote="Every citizen of Canada has the right to enter, remain in and leave Canada.",
)

ECHR_P4_3 = Citation(
    label="European Convention on Human Rights, Protocol No. 4, art. 3(1)",
    url="https://www.echr.coe.int/documents/d/echr/convention_ENG",
    quote=(
        "No one shall be expelled, by means either of an individual or of a collective measure, "
        "from the territory of the State of which he is a national."
    ),
)

RULES: dict[str, list[LawRule]] = {
    "USA": [
        LawRule("citizen_of_sender", "USA", AFROYIM, in_force_from=date(1967, 5, 29)),
        LawRule("citizen_of_sender", "USA", INA_ALIEN),
        LawRule("non_refoulement", "USA", INA_WITHHOLDING, in_force_from=date(1996, 9, 30)),
        LawRule(
            "no_final_order",
            "USA",
            INA_REMOVAL_COUNTRIES,
            in_force_from=date(1996, 9, 30),
            exempt_removal_basis=("alien_enemies_act",),
            reading=(
                "8 U.S.C. 1231(b)(2) says to which countries an alien ordered removed may be "
                "removed; that a {kind} transfer needs a final removal order is the registry's "
                "reading of it: the quoted text does not state it, and no source in the registry "
                "states it for this kind of agreement"
            ),
        ),
    ],
    "GBR": [
        LawRule("citizen_of_sender", "GBR", UK_IMMIGRATION_ACT_3_5),
        LawRule("non_refoulement", "GBR", UK_REFOULEMENT),
    ],
    "CAN": [LawRule("citizen_of_sender", "CAN", CANADA_CHARTER_6, in_force_from=date(1982, 4, 17))],
    "ITA": [LawRule("citizen_of_sender", "ITA", ECHR_P4_3)],
    "GRC": [LawRule("citizen_of_sender", "GRC", ECHR_P4_3)],
    "AUS": [],
}
