"""Benchmark of the case engine against the whole registry (run by hand, not a test).

    .venv/bin/python benchmarks/evaluate.py --sizes 1e4,1e5,1e6,1e7 --date 2025-04-01

For each size, in a fresh process (so peak memory is that size's own): the engine alone (a
frame in memory to verdicts and reason masks in memory), the whole `accords evaluate` path
from Parquet to Parquet (validation, evaluation, reason lists, atomic write), and, on the
sizes it can do, the per-person reference evaluator the tests use as an oracle. The synthetic
population is labelled synthetic and drawn from a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
CODES = [
    "USA",
    "GBR",
    "ITA",
    "AUS",
    "CAN",
    "GRC",
    "SLV",
    "GTM",
    "HND",
    "MEX",
    "VEN",
    "COL",
    "CUB",
    "HTI",
    "IRQ",
    "AFG",
    "BGD",
    "EGY",
    "TUN",
    "IND",
    "CHN",
    "NGA",
    "GHA",
    "SYR",
]
SENDERS = ["USA", "GBR", "ITA", "AUS", "CAN", "GRC"]


def synthetic_population(n: int, seed: int = 7) -> pl.DataFrame:
    """A SYNTHETIC population in the person schema: shares are invented for load, not facts."""
    rng = np.random.default_rng(seed)
    present = rng.choice(SENDERS, n, p=[0.55, 0.12, 0.1, 0.08, 0.08, 0.07])
    first = rng.choice(CODES, n)
    citizen = rng.random(n) < 0.05
    first = np.where(citizen, present, first)
    second = np.where(rng.random(n) < 0.03, rng.choice(CODES, n), "")
    cits = [[a] if not b else [a, b] for a, b in zip(first.tolist(), second.tolist(), strict=True)]
    unknown = rng.random(n) < 0.02

    def maybe(values: np.ndarray, p_null: float = 0.02) -> list[object]:
        mask = rng.random(n) < p_null
        return [None if m else v for v, m in zip(values.tolist(), mask.tolist(), strict=True)]

    protection = np.where(rng.random(n) < 0.02, rng.choice(CODES, n), "")
    arrival_days = rng.integers(0, 3650, n)
    frame = pl.DataFrame(
        {
            "id": [f"syn-{i}" for i in range(n)],
            "present_in": present,
            "citizenships": [None if u else c for c, u in zip(cits, unknown.tolist(), strict=True)],
            "age": maybe(rng.integers(5, 70, n)),
            "sex": maybe(rng.choice(["male", "female"], n, p=[0.7, 0.3])),
            "asylum_claim": maybe(
                rng.choice(["none", "pending", "granted", "denied"], n, p=[0.5, 0.3, 0.05, 0.15])
            ),
            "protection_against": [[p] if p else [] for p in protection.tolist()],
            "final_removal_order": maybe(rng.random(n) < 0.4),
            "criminal_conviction": maybe(rng.random(n) < 0.3),
            "serving_sentence": maybe(rng.random(n) < 0.05),
            "gang_designation": maybe(rng.random(n) < 0.02),
            "arrival_date": (
                pl.Series(arrival_days).cast(pl.Int32) + (date(2016, 1, 1) - date(1970, 1, 1)).days
            ).cast(pl.Date),
            "arrival_mode": maybe(
                rng.choice(
                    ["land_port", "land_irregular", "air", "sea_irregular", "intercepted_at_sea"], n
                )
            ),
            "vulnerable": maybe(rng.random(n) < 0.1),
            "family_unit": maybe(rng.random(n) < 0.2),
        }
    )
    from accords.engine.person import SCHEMA

    return (
        frame.with_columns([pl.col(c).cast(t) for c, t in SCHEMA.items() if c in frame.columns])
        .with_columns(
            [pl.lit(None, dtype=t).alias(c) for c, t in SCHEMA.items() if c not in frame.columns]
        )
        .select(list(SCHEMA))
    )


def one(n: int, day: date, with_oracle: bool) -> dict[str, object]:
    """Measure one size in this process."""
    from accords.engine.evaluate import evaluate_frame
    from accords.engine.population import read_population
    from accords.engine.writers import write_verdicts
    from accords.registry.loader import load_registry

    registry = load_registry()
    agreements = list(registry)
    frame = synthetic_population(n)
    result: dict[str, object] = {"persons": n, "agreements": len(agreements)}
    started = time.perf_counter()
    evaluation = evaluate_frame(frame, agreements, day)
    result["engine_s"] = time.perf_counter() - started
    result["cases"] = evaluation.verdicts.height
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "population.parquet"
        frame.write_parquet(source)
        started = time.perf_counter()
        validated = read_population(source)
        full = evaluate_frame(validated, agreements, day, with_reasons=True)
        write_verdicts(full.verdicts, Path(tmp) / "verdicts.parquet")
        result["cli_path_s"] = time.perf_counter() - started
    if with_oracle:
        sys.path.insert(0, str(ROOT / "tests" / "engine"))
        from oracle import evaluate_person  # type: ignore[import-not-found]

        from accords.engine.person import Person

        persons = [
            Person.model_validate({k: v for k, v in row.items() if v is not None})
            for row in frame.to_dicts()
        ]
        started = time.perf_counter()
        for person in persons:
            for agreement in agreements:
                if agreement.sending_state == person.present_in:
                    evaluate_person(person, agreement, day)
        result["oracle_s"] = time.perf_counter() - started
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--date", default="2025-04-01")
    parser.add_argument("--oracle-max", type=float, default=1e4)
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    day = date.fromisoformat(args.date)
    if args.one:
        print(json.dumps(one(int(args.one), day, args.one <= args.oracle_max)))
        return
    print(
        f"python {platform.python_version()}, polars {pl.__version__}, {platform.machine()}, "
        f"{platform.processor() or 'cpu'}; date {day}"
    )
    print("| persons | cases | engine s | M cases/s | Parquet→Parquet s | oracle s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                size,
                "--date",
                args.date,
                "--oracle-max",
                str(args.oracle_max),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rate = float(r["cases"]) / float(r["engine_s"]) / 1e6  # type: ignore[arg-type]
        oracle = f"{r['oracle_s']:.2f}" if "oracle_s" in r else "—"
        print(
            f"| {r['persons']:,} | {r['cases']:,} | {r['engine_s']:.3f} | {rate:.1f} | "
            f"{r['cli_path_s']:.2f} | {oracle} | {r['peak_rss_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
