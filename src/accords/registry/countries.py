"""State codes: ISO 3166-1 alpha-3, plus the one party that is not a state.

The EU is a party to the EU–Turkey Statement but sends no one itself. It gets the code `EUE`,
the alpha-3 code ICAO Doc 9303 uses for the European Union as an issuing authority; agreements
with a non-state party name the member state that actually sends (`acting_sender`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache

import pycountry

# States ISO 3166-1 has not assigned a code to, with the user-assigned code in common use.
EXTRA_STATES: dict[str, str] = {
    "XKX": "Kosovo (user-assigned code used by the European Commission and the IMF)",
}

NON_STATE_PARTIES: dict[str, str] = {
    "EUE": "European Union (not a state; the member state that sends is named as acting_sender)",
}


# English names in common use that ISO 3166-1 no longer (or never) spelled that way.
ALIASES: dict[str, str] = {
    "Turkey": "TUR",
    "UK": "GBR",
    "Britain": "GBR",
    "Great Britain": "GBR",
    "US": "USA",
    "United States of America": "USA",
    "America": "USA",
    "Russia": "RUS",
    "Czech Republic": "CZE",
    "Ivory Coast": "CIV",
    "Cape Verde": "CPV",
    "Swaziland": "SWZ",
    "Burma": "MMR",
    "Macedonia": "MKD",
    "Palestine": "PSE",
    "DR Congo": "COD",
    "Democratic Republic of the Congo": "COD",
    "Republic of the Congo": "COG",
    "The Gambia": "GMB",
    "Holland": "NLD",
    "Kosovo": "XKX",
    "European Union": "EUE",
    "EU": "EUE",
}


def fold(text: str) -> str:
    """Text for matching: case, accents and punctuation ignored ("Türkiye" = "turkiye")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.casefold()).split())


@cache
def _english_names() -> dict[str, list[str]]:
    """Every English name of every party: ISO name, common and official names, the name
    before ", Republic of", and the aliases in common use."""
    names: dict[str, list[str]] = {}

    def add(name: str, code: str) -> None:
        known = names.setdefault(code, [])
        if name not in known:
            known.append(name)

    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name:
                add(name, c.alpha_3)
                add(name.split(",")[0], c.alpha_3)
    for code, text in {**EXTRA_STATES, **NON_STATE_PARTIES}.items():
        add(text.split(" (")[0], code)
    for name, code in ALIASES.items():
        add(name, code)
    return names


@cache
def _names_index() -> dict[str, set[str]]:
    """Folded names to the codes they name (a name may name several: "Congo")."""
    index: dict[str, set[str]] = {}
    for code, names in _english_names().items():
        for name in names:
            index.setdefault(fold(name), set()).add(code)
    return index


def english_names(code: str) -> list[str]:
    """Every English name of a party, the ISO name first ("Türkiye", ..., "Turkey")."""
    return list(_english_names().get(code, []))


def resolve_party(text: str, *, allow_non_state: bool = True) -> str:
    """A party's code from its code or its English name, else a ValueError saying why.

    "SLV", "slv", "El Salvador" and "el salvador" are all SLV; "Turkey" and "Türkiye" are TUR.
    A name that fits several states ("Korea", "Guinea") is an error listing them, as is a name
    that fits none (with the closest codes and names).
    """
    if not isinstance(text, str):
        raise ValueError(describe_bad_code(str(text), allow_non_state=allow_non_state))
    valid = is_party if allow_non_state else is_state
    if valid(text.strip().upper()):
        return text.strip().upper()
    key = fold(text)
    index = _names_index()
    codes = index.get(key)
    if not codes and len(key) > 3:
        codes = {c for name, found in index.items() if f" {key} " in f" {name} " for c in found}
    codes = {c for c in codes or set() if valid(c)}
    if len(codes) == 1:
        return codes.pop()
    if codes:
        listed = ", ".join(f"{country_name(c)} ({c})" for c in sorted(codes))
        raise ValueError(f"{text!r} could name several states: {listed}; give one code")
    raise ValueError(describe_bad_code(text, allow_non_state=allow_non_state))


def spellings(*, allow_non_state: bool = True) -> list[str]:
    """Every code and English name `resolve_party` reads as exactly one party, codes first.

    These are the spellings a schema can list (an API's enum); the reader also takes each of
    them in any case, without accents or punctuation. Names that fit several states
    ("Korea") are left out: they are refused.
    """
    valid = is_party if allow_non_state else is_state
    codes = sorted(c for c in [*_iso_names(), *NON_STATE_PARTIES] if valid(c))
    names = []
    for name in dict.fromkeys(n for found in _english_names().values() for n in found):
        try:
            resolve_party(name, allow_non_state=allow_non_state)
        except ValueError:
            continue
        names.append(name)
    return list(dict.fromkeys([*codes, *sorted(names)]))


@cache
def _iso_names() -> dict[str, str]:
    # The name people use ("Venezuela", not "Venezuela, Bolivarian Republic of") where ISO
    # gives one.
    names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update({code: text.split(" (")[0] for code, text in EXTRA_STATES.items()})
    return names


def all_state_codes() -> list[str]:
    return list(_iso_names())


def is_state(code: str) -> bool:
    return code in _iso_names()


def is_party(code: str) -> bool:
    return code in _iso_names() or code in NON_STATE_PARTIES


def country_name(code: str) -> str:
    """The party's name as people write it; what it is (a non-state party) is said elsewhere."""
    return _iso_names().get(code) or NON_STATE_PARTIES.get(code, code).split(" (")[0]


# Names English writes with "the" in running text: plural names and those that name a form of
# state ("the United States", "the Dominican Republic", "the Bahamas").
_WITH_ARTICLE = re.compile(
    r"^(United |European )|(Republic|Kingdom|Islands|Emirates|Federation)$|"
    r"^(Bahamas|Comoros|Gambia|Holy See|Maldives|Netherlands|Philippines)$"
)


def country_in_text(code: str) -> str:
    """The country's name as it reads inside a sentence: "a citizen of the United States"."""
    name = country_name(code)
    return f"the {name}" if "," not in name and _WITH_ARTICLE.search(name) else name


def suggest(code: str, *, allow_non_state: bool = True) -> list[str]:
    """The closest valid codes to a wrong one: by code spelling, then by country name."""
    names = _iso_names()
    pool = list(names) + (list(NON_STATE_PARTIES) if allow_non_state else [])
    upper = code.strip().upper()
    close = difflib.get_close_matches(upper, pool, n=3, cutoff=0.5)
    by_name = [
        c
        for c, name in names.items()
        if upper and (upper in name.upper() or name.upper().startswith(upper))
    ]
    if not by_name:
        lookup = {name.upper(): c for c, name in names.items()}
        by_name = [lookup[n] for n in difflib.get_close_matches(upper, list(lookup), n=2)]
    first: list[str] = []
    if len(upper) == 2:
        alpha2 = pycountry.countries.get(alpha_2=upper)
        if alpha2 is not None:
            first.append(alpha2.alpha_3)
    out: list[str] = []
    for c in first + close + by_name:
        if c not in out:
            out.append(c)
    return out[:4]


def describe_bad_code(code: str, *, allow_non_state: bool = True) -> str:
    hints = suggest(code, allow_non_state=allow_non_state)
    hint = (
        " Did you mean " + ", ".join(f"{c} ({country_name(c)})" for c in hints) + "?"
        if hints
        else ""
    )
    return f"{code!r} is not an ISO 3166-1 alpha-3 country code.{hint}"


def check_state(code: str) -> str:
    """A state's code, exactly (the registry's own files hold codes, never names)."""
    if not isinstance(code, str) or not is_state(code):
        raise ValueError(describe_bad_code(str(code), allow_non_state=False))
    return code


def check_party(code: str) -> str:
    if not isinstance(code, str) or not is_party(code):
        raise ValueError(describe_bad_code(str(code)))
    return code


def state_from_code_or_name(text: str) -> str:
    """For what users write (person and scenario files): a state's code or its English name,
    read as the code."""
    if isinstance(text, str) and is_state(text):
        return text
    return resolve_party(text, allow_non_state=False)
