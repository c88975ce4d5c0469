"""Who enters the pipeline: their TRUE attributes, and what the sender's RECORDS say.

The engine only ever sees the record (a state acts on its files); outcomes are counted on the
truth, which is how a record error becomes a wrongful transfer. Persons are arrays indexed by
id, and their records are grouped into *profiles* (distinct recorded attribute sets): the
engine evaluates each profile once per month, which gives exactly the verdict it would give
each of its persons (a verdict depends on the record and the date only) at a fraction of the
cost. All random draws happen here, from the replica's generator, never inside a rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from accords.engine.person import SCHEMA
from accords.engine.population import offending_rows, read_population
from accords.simulation import calibration
from accords.simulation.scenario import (
    OTHER_NATIONALITY,
    RecordErrors,
    SyntheticPopulation,
)
from accords.validation import InputError, Problem

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int64 | np.int8 | np.bool_] | int  # a field of the profile key


@dataclass
class Population:
    """Persons as arrays (index = person id), their recorded profiles, and their truth."""

    synthetic: bool
    label: str
    profiles: pl.DataFrame  # recorded attributes, person schema, one row per profile
    profile: IntArray  # per person: row of `profiles`
    nationality: IntArray  # per person: index into `nationality_codes` (recorded)
    nationality_codes: list[str]
    true_citizen: BoolArray
    true_granted: BoolArray
    true_nationality: list[str | None]  # per nationality index: the code protection refers to
    protected_home: BoolArray  # protected against return to their (true) nationality
    protected_against: dict[str, BoolArray]  # third countries

    @property
    def size(self) -> int:
        return int(self.profile.size)

    def truly_protected_against(self, receiver: str) -> BoolArray:
        """Whether each person is, in truth, protected against transfer to `receiver`."""
        out = self.true_granted.copy()
        codes = np.array([c == receiver for c in self.true_nationality] + [False])
        out |= self.protected_home & codes[self.nationality]
        extra = self.protected_against.get(receiver)
        if extra is not None:
            out |= extra
        return out


def _bernoulli(rng: np.random.Generator, n: int, p: float) -> BoolArray:
    if p <= 0.0:
        return np.zeros(n, dtype=bool)
    return rng.random(n) < p


def _categorical(rng: np.random.Generator, n: int, shares: Sequence[float]) -> IntArray:
    weights = np.asarray(shares, dtype=float)
    weights = weights / weights.max()  # first, so that the sum of very large shares is finite
    cum = np.cumsum(weights / weights.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right").astype(np.int64, copy=False)


def _dense_codes(key: IntArray, space: int) -> tuple[IntArray, IntArray]:
    """The distinct keys (sorted) and each row's index among them, like np.unique(...,
    return_inverse=True), in linear time when the key space is small enough to tabulate."""
    if space > 1 << 24:
        unique, inverse = np.unique(key, return_inverse=True)
        return unique, inverse.reshape(-1)
    unique = np.flatnonzero(np.bincount(key, minlength=space))
    lookup = np.zeros(space, dtype=np.int64)
    lookup[unique] = np.arange(unique.size)
    return unique.astype(np.int64), lookup[key]


def synthesize(
    spec: SyntheticPopulation, sender: str, errors: RecordErrors, rng: np.random.Generator
) -> Population:
    """A synthetic population matching the calibration's shares in expectation."""
    n = spec.size
    shares = spec.nationalities or calibration.nationality_shares(str(spec.calibration))
    codes = list(shares)
    conviction = spec.criminal_conviction_share
    if conviction is None:
        conviction = (
            calibration.criminal_history_share(spec.calibration) if spec.calibration else 0.0
        )
    nat = _categorical(rng, n, [shares[c] for c in codes])
    true_citizen = _bernoulli(rng, n, spec.true_citizen_share)
    citizen_error = true_citizen & _bernoulli(rng, n, errors.citizen_recorded_as_noncitizen)
    rec_citizen = true_citizen & ~citizen_error
    convicted = _bernoulli(rng, n, conviction)
    gang = _bernoulli(rng, n, spec.gang_designated_share)
    granted = _bernoulli(rng, n, spec.protected_status_share)
    home = _bernoulli(rng, n, spec.protection_against_nationality_share)
    third_states = sorted(spec.protection_against)
    third = {s: _bernoulli(rng, n, spec.protection_against[s]) for s in third_states}
    dropped = _bernoulli(rng, n, errors.protection_dropped)
    minor = None if spec.minor_share is None else _bernoulli(rng, n, spec.minor_share)
    female = None if spec.female_share is None else _bernoulli(rng, n, spec.female_share)
    vulnerable = (
        None if spec.vulnerable_share is None else _bernoulli(rng, n, spec.vulnerable_share)
    )
    modes = list(spec.arrival_modes or {})
    mode = _categorical(rng, n, list((spec.arrival_modes or {}).values())) if modes else None
    # drawn last, so a scenario without pending claims keeps every other draw it had before
    pending = _bernoulli(rng, n, spec.asylum_pending_share) & ~granted
    claim = np.zeros(n, dtype=np.int8)  # 0 none, 1 pending, 2 granted (a record kept)
    claim[pending] = 1
    claim[granted & ~dropped] = 2

    # Recorded attributes as small integer codes; a profile is one combination of them. Each
    # field is made when the key takes it in, in place, so that only one field array is alive
    # at a time (keeping them all, as int64, was most of a replica's peak memory).
    def tri(values: BoolArray | None) -> Codes:
        return 0 if values is None else 1 + values.astype(np.int8)

    def third_bits() -> IntArray:
        bits = np.zeros(n, np.int64)
        for j, state in enumerate(third_states):
            bits |= (third[state] & ~dropped).astype(np.int64) << j
        return bits

    fields: list[tuple[str, Callable[[], Codes], int]] = [
        ("nat", lambda: nat, len(codes)),
        ("citizen", lambda: rec_citizen, 2),
        ("convicted", lambda: convicted, 2),
        ("gang", lambda: gang, 2),
        ("claim", lambda: claim, 3),
        ("home", lambda: home & ~dropped, 2),
        ("third", third_bits, 1 << len(third_states)),
        ("minor", lambda: tri(minor), 3),
        ("female", lambda: tri(female), 3),
        ("vulnerable", lambda: tri(vulnerable), 3),
        ("mode", lambda: 0 if mode is None else 1 + mode, len(modes) + 1),
    ]
    key = np.zeros(n, np.int64)
    for _, values, radix in fields:
        key *= radix
        key += values()
    unique, profile = _dense_codes(key, int(np.prod([radix for _, _, radix in fields])))
    decoded: dict[str, IntArray] = {}
    rest = unique.copy()
    for name, _, radix in reversed(fields):
        decoded[name] = rest % radix
        rest = rest // radix
    profiles = _profile_frame(decoded, codes, third_states, modes, sender)
    return Population(
        synthetic=True,
        label=f"SYNTHETIC population of {n:,} persons"
        + (f", calibrated to {spec.calibration}" if spec.calibration else ""),
        profiles=profiles,
        profile=profile.astype(np.int64, copy=False).reshape(-1),
        nationality=nat,
        nationality_codes=codes,
        true_citizen=true_citizen,
        true_granted=granted,
        true_nationality=[None if c == OTHER_NATIONALITY else c for c in codes],
        protected_home=home,
        protected_against=third,
    )


def _profile_frame(
    d: dict[str, IntArray],
    codes: list[str],
    third_states: list[str],
    modes: Sequence[object],
    sender: str,
) -> pl.DataFrame:
    k = d["nat"].size
    citizenships = [[sender] if d["citizen"][i] else [codes[d["nat"][i]]] for i in range(k)]
    protection = [
        ([codes[d["nat"][i]]] if d["home"][i] else [])
        + [s for j, s in enumerate(third_states) if d["third"][i] >> j & 1]
        for i in range(k)
    ]

    def tri(values: IntArray) -> list[bool | None]:
        return [None if v == 0 else bool(v == 2) for v in values]

    minor = tri(d["minor"])
    female = tri(d["female"])
    data = {
        "id": [str(i) for i in range(k)],
        "present_in": [sender] * k,
        "citizenships": citizenships,
        "birth_date": [None] * k,
        # Only the minor/adult class is drawn; 17 and 30 stand for the classes, not for ages.
        "age": [None if m is None else (17 if m else 30) for m in minor],
        "sex": [None if f is None else ("female" if f else "male") for f in female],
        "immigration_status": [None] * k,
        "asylum_claim": [("none", "pending", "granted")[c] for c in d["claim"]],
        "protection_against": protection,
        "final_removal_order": [True] * k,
        "criminal_conviction": [bool(v) for v in d["convicted"]],
        "serving_sentence": [None] * k,
        "gang_designation": [bool(v) for v in d["gang"]],
        "arrival_date": [None] * k,
        "arrival_mode": [None if v == 0 else str(modes[v - 1]) for v in d["mode"]],
        "vulnerable": tri(d["vulnerable"]),
        "family_unit": [None] * k,
        "removal_basis": ["ordinary"] * k,
    }
    return pl.DataFrame(data, schema=SCHEMA)


def read_population_file(path: Path, sender: str) -> pl.DataFrame:
    """A scenario's population file, through the engine's validated reader.

    The same checks as `accords evaluate` (codes, list items, types, unique ids, known
    columns), plus one of its own: the scenario simulates one sending state, so every person
    must be present in it — a person elsewhere would otherwise be silently moved there.
    """
    frame = read_population(path)
    elsewhere = frame["present_in"] != sender
    if elsewhere.any():
        line, rows = offending_rows(path, frame["present_in"], elsewhere)
        raise InputError(
            [
                Problem(
                    path,
                    line,
                    None,
                    "present_in",
                    f"the scenario's sender is {sender}; every person must be present there",
                    rows,
                )
            ]
        )
    return frame


def from_frame(
    frame: pl.DataFrame, sender: str, errors: RecordErrors, rng: np.random.Generator, label: str
) -> Population:
    """A user's persons: the file is the truth; record errors are drawn on top of it."""
    n = frame.height
    cit = frame["citizenships"]
    true_citizen = cit.list.contains(sender).fill_null(False).to_numpy().astype(bool)
    granted = (frame["asylum_claim"].cast(pl.String) == "granted").fill_null(False).to_numpy()
    citizen_error = true_citizen & _bernoulli(rng, n, errors.citizen_recorded_as_noncitizen)
    protected = granted | (frame["protection_against"].list.len().fill_null(0) > 0).to_numpy()
    dropped = protected & _bernoulli(rng, n, errors.protection_dropped)
    recorded = (
        frame.with_columns(pl.Series("_cerr", citizen_error), pl.Series("_drop", dropped))
        .with_columns(
            pl.when(pl.col("_cerr"))
            .then(
                pl.when(pl.col("citizenships").list.set_difference([sender]).list.len() > 0)
                .then(pl.col("citizenships").list.set_difference([sender]))
                .otherwise(pl.lit([OTHER_NATIONALITY], dtype=pl.List(pl.String)))
            )
            .otherwise(pl.col("citizenships"))
            .alias("citizenships"),
            pl.when(pl.col("_drop") & (pl.col("asylum_claim").cast(pl.String) == "granted"))
            .then(pl.lit("none", dtype=SCHEMA["asylum_claim"]))
            .otherwise(pl.col("asylum_claim"))
            .alias("asylum_claim"),
            pl.when(pl.col("_drop"))
            .then(pl.lit([], dtype=pl.List(pl.String)))
            .otherwise(pl.col("protection_against"))
            .alias("protection_against"),
            pl.lit(sender).alias("present_in"),
            pl.lit(True).alias("final_removal_order"),
        )
        .drop("_cerr", "_drop")
    )
    keys = [c for c in SCHEMA if c != "id"]
    as_text = [
        (pl.col(c).list.sort().list.join(";") if isinstance(SCHEMA[c], pl.List) else pl.col(c))
        .cast(pl.String)
        .fill_null("\x00")
        for c in keys
    ]
    keyed = recorded.with_columns(pl.concat_str(as_text, separator="\x1f").alias("_key"))
    keyed = keyed.with_columns((pl.col("_key").rank("dense") - 1).cast(pl.Int64).alias("_profile"))
    profile = keyed["_profile"].to_numpy()
    profiles = (
        keyed.unique("_profile", keep="first")
        .sort("_profile")
        .with_columns(pl.col("_profile").cast(pl.String).alias("id"))
        .select(list(SCHEMA))
    )
    first = frame["citizenships"].list.first().fill_null("unknown")
    nat_codes = sorted(set(first.to_list()))
    index = {c: i for i, c in enumerate(nat_codes)}
    nationality = np.array([index[c] for c in first.to_list()], dtype=np.int64)
    receivers = sorted({s for row in frame["protection_against"].drop_nulls() for s in row})
    protected_against = {
        r: frame["protection_against"].list.contains(r).fill_null(False).to_numpy().astype(bool)
        for r in receivers
    }
    return Population(
        synthetic=False,
        label=label,
        profiles=profiles,
        profile=profile.astype(np.int64),
        nationality=nationality,
        nationality_codes=nat_codes,
        true_citizen=true_citizen,
        true_granted=granted.astype(bool),
        true_nationality=[None] * len(nat_codes),
        protected_home=np.zeros(n, dtype=bool),
        protected_against=protected_against,
    )
