"""Who enters the pipeline: their TRUE attributes, and what the sender's RECORDS say.

The engine only ever sees the record (a state acts on its files); outcomes are counted on the
truth, which is how a record error becomes a wrongful transfer. Persons are arrays indexed by
id, and their records are grouped into *profiles* (distinct recorded attribute sets): the
engine evaluates each profile once per month, which gives exactly the verdict it would give
each of its persons (a verdict depends on the record and the date only) at a fraction of the
cost. All random draws happen here, from the replica's generator, never inside a rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
# An index per person (a profile row, a nationality), in the narrowest integer type that holds
# it: at 10^7 persons every byte per person is 10 MB.
Index = npt.NDArray[np.integer[Any]]
Codes = npt.NDArray[np.integer[Any] | np.bool_] | int  # a field of the profile key

# Per-person draws are made this many persons at a time: a draw of uniforms for everyone at once
# is 8 bytes per person of temporaries. numpy's generators give the same numbers drawn in parts
# as drawn at once, so a seed's persons do not depend on it.
CHUNK = 1 << 16


def index_dtype(count: int) -> np.dtype[Any]:
    """The narrowest signed integer type that holds 0..count-1 (and -1)."""
    for dtype in (np.int8, np.int16, np.int32):
        if count <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


@dataclass
class Population:
    """Persons as arrays (index = person id), their recorded profiles, and their truth."""

    synthetic: bool
    label: str
    profiles: pl.DataFrame  # recorded attributes, person schema, one row per profile
    profile: Index  # per person: row of `profiles`
    nationality: Index  # per person: index into `nationality_codes` (recorded)
    nationality_codes: list[str]
    true_citizen: BoolArray
    true_granted: BoolArray
    true_nationality: list[str | None]  # per nationality index: the code protection refers to
    protected_home: BoolArray  # protected against return to their (true) nationality
    protected_against: dict[str, BoolArray]  # third countries
    # A synthetic population's profiles as keys of its `ProfileSpace` (one per row of
    # `profiles`, ascending), so that the engine's answer for a profile can be shared by every
    # replica that draws it; None for a population read from a file.
    space: ProfileSpace | None = None
    profile_keys: IntArray | None = None

    @property
    def size(self) -> int:
        return int(self.profile.size)

    def truly_protected_against(self, receiver: str, ids: Index | None = None) -> BoolArray:
        """Whether each person (of `ids`, else everyone) is, in truth, protected against
        transfer to `receiver`."""
        pick: Index | slice = slice(None) if ids is None else ids
        out = self.true_granted[pick].copy()
        codes = np.array([c == receiver for c in self.true_nationality] + [False])
        out |= self.protected_home[pick] & codes[self.nationality[pick]]
        extra = self.protected_against.get(receiver)
        if extra is not None:
            out |= extra[pick]
        return out


def _from_uniforms(
    rng: np.random.Generator, n: int, dtype: npt.DTypeLike, f: Callable[[Any], Any]
) -> Any:
    """`f` of n uniform draws, made CHUNK at a time (the same draws as `f(rng.random(n))`)."""
    out = np.empty(n, dtype=dtype)
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        out[lo:hi] = f(rng.random(hi - lo))
    return out


def _bernoulli(rng: np.random.Generator, n: int, p: float) -> BoolArray:
    if p <= 0.0:
        return np.zeros(n, dtype=bool)
    out: BoolArray = _from_uniforms(rng, n, bool, lambda u: u < p)
    return out


def _categorical(rng: np.random.Generator, n: int, shares: Sequence[float]) -> Index:
    weights = np.asarray(shares, dtype=float)
    weights = weights / weights.max()  # first, so that the sum of very large shares is finite
    cum = np.cumsum(weights / weights.sum())
    cum[-1] = 1.0
    dtype = index_dtype(len(shares) + 1)

    def category(u: npt.NDArray[np.float64]) -> Index:
        """How many cumulative shares are at or below each draw: `np.searchsorted(cum, u,
        side="right")`, which for a few categories is many times slower than counting them."""
        if cum.size > 32:
            out: Index = np.searchsorted(cum, u, side="right")
            return out
        out = np.zeros(u.size, dtype=dtype)
        for edge in cum:
            out += u >= edge
        return out

    drawn: Index = _from_uniforms(rng, n, dtype, category)
    return drawn


def _dense_codes(key: Index, space: int) -> tuple[IntArray, Index]:
    """The distinct keys (sorted) and each row's index among them, like np.unique(...,
    return_inverse=True), in linear time when the key space is small enough to tabulate."""
    if space > 1 << 24:
        unique, inverse = np.unique(key, return_inverse=True)
        return unique.astype(np.int64), inverse.reshape(-1).astype(index_dtype(unique.size))
    present = np.zeros(space, dtype=bool)
    present[key] = True  # (np.bincount would first copy the keys into 8 bytes each)
    unique = np.flatnonzero(present)
    lookup = np.zeros(space, dtype=index_dtype(unique.size))
    lookup[unique] = np.arange(unique.size)
    return unique.astype(np.int64), lookup[key]


@dataclass(frozen=True)
class KeyField:
    """One recorded attribute in a profile key: its radix and the values a draw can give it."""

    name: str
    radix: int
    values: tuple[int, ...]


@dataclass(frozen=True)
class ProfileSpace:
    """How a synthetic population's profile key encodes a recorded profile, field after field
    in mixed radix, and which keys the scenario's shares can produce at all.

    Two populations drawn from one specification have the same space (it does not depend on
    the draw), and a key is the same profile in both: what the engine answers for it on a day
    holds for every replica.
    """

    sender: str
    codes: tuple[str, ...]
    third_states: tuple[str, ...]
    modes: tuple[str, ...]
    fields: tuple[KeyField, ...]

    @property
    def size(self) -> int:
        """Keys the draws can produce (an upper bound: every combination of possible values)."""
        return math.prod(len(f.values) for f in self.fields)

    def possible(self) -> IntArray:
        """Every key the draws can produce, ascending (see `size`)."""
        keys = np.zeros(1, dtype=np.int64)
        for f in self.fields:
            keys = (keys[:, None] * f.radix + np.asarray(f.values, dtype=np.int64)).ravel()
        return np.sort(keys)

    def decode(self, keys: IntArray) -> dict[str, IntArray]:
        decoded: dict[str, IntArray] = {}
        rest = keys.astype(np.int64, copy=True)
        for f in reversed(self.fields):
            decoded[f.name] = rest % f.radix
            rest = rest // f.radix
        return decoded

    def frame(self, keys: IntArray) -> pl.DataFrame:
        """The recorded profiles of `keys`, one row each (ids "0", "1", … in that order)."""
        return _profile_frame(
            self.decode(keys), list(self.codes), list(self.third_states), self.modes, self.sender
        )


def _profile_space(
    spec: SyntheticPopulation, sender: str, codes: list[str], conviction: float, modes: list[str]
) -> ProfileSpace:
    def either(share: float | None) -> tuple[int, ...]:
        return (0, 1) if share is not None and share > 0.0 else (0,)

    def tri(share: float | None) -> tuple[int, ...]:
        return (0,) if share is None else (1, 2)

    third_states = sorted(spec.protection_against)
    third = [0]
    for j, state in enumerate(third_states):
        if spec.protection_against[state] > 0.0:
            third += [bits | 1 << j for bits in third]
    claims = (0,) + ((1,) if spec.asylum_pending_share > 0.0 else ())
    claims += (2,) if spec.protected_status_share > 0.0 else ()
    fields = (
        KeyField("nat", len(codes), tuple(range(len(codes)))),
        KeyField("citizen", 2, either(spec.true_citizen_share)),
        KeyField("convicted", 2, either(conviction)),
        KeyField("gang", 2, either(spec.gang_designated_share)),
        KeyField("claim", 3, claims),
        KeyField("home", 2, either(spec.protection_against_nationality_share)),
        KeyField("third", 1 << len(third_states), tuple(sorted(third))),
        KeyField("minor", 3, tri(spec.minor_share)),
        KeyField("female", 3, tri(spec.female_share)),
        KeyField("vulnerable", 3, tri(spec.vulnerable_share)),
        KeyField("mode", len(modes) + 1, (0,) if not modes else tuple(range(1, len(modes) + 1))),
    )
    return ProfileSpace(sender, tuple(codes), tuple(third_states), tuple(modes), fields)


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

    def third_bits() -> Index:
        bits_type = index_dtype(1 << len(third_states))
        bits = np.zeros(n, bits_type)
        for j, state in enumerate(third_states):
            bits |= (third[state] & ~dropped).astype(bits_type) << j
        return bits

    space = _profile_space(spec, sender, codes, conviction, [str(m) for m in modes])
    values: dict[str, Callable[[], Codes]] = {
        "nat": lambda: nat,
        "citizen": lambda: rec_citizen,
        "convicted": lambda: convicted,
        "gang": lambda: gang,
        "claim": lambda: claim,
        "home": lambda: home & ~dropped,
        "third": third_bits,
        "minor": lambda: tri(minor),
        "female": lambda: tri(female),
        "vulnerable": lambda: tri(vulnerable),
        "mode": lambda: 0 if mode is None else 1 + mode,
    }
    radices = math.prod(f.radix for f in space.fields)
    key: Index = np.zeros(n, np.int32 if radices <= np.iinfo(np.int32).max else np.int64)
    for f in space.fields:
        key *= f.radix
        key += values[f.name]()
    unique, profile = _dense_codes(key, radices)
    del key
    profiles = space.frame(unique)
    return Population(
        synthetic=True,
        label=f"SYNTHETIC population of {n:,} persons"
        + (f", calibrated to {spec.calibration}" if spec.calibration else ""),
        profiles=profiles,
        profile=profile.reshape(-1),
        nationality=nat,
        nationality_codes=codes,
        true_citizen=true_citizen,
        true_granted=granted,
        true_nationality=[None if c == OTHER_NATIONALITY else c for c in codes],
        protected_home=home,
        protected_against=third,
        space=space,
        profile_keys=unique,
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
