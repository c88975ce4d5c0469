"""Benchmark of the case engine against the whole registry (run by hand, not a test).

    .venv/bin/python benchmarks/evaluate.py --sizes 1e4,1e5,1e6,1e7 --date 2025-04-01
    .venv/bin/python benchmarks/evaluate.py --sizes 2e6 --json --anchor
    .venv/bin/python benchmarks/evaluate.py --sizes '' --partitioned 1e8 --json

For each size, in a fresh process: the engine alone (a frame in memory to verdicts and reason
masks in memory; pairs = persons x every agreement in the registry, as the anchors count),
the `accords evaluate` command from Parquet to Parquet in a process of its own (its wall time
and its own peak RSS), and, on the sizes it can do, the per-person reference evaluator the
tests use as an oracle. With --anchor, the shared anchor's polars implementation runs at the
same size in the same invocation and the ratio is printed. The synthetic population is
labelled synthetic and drawn from a fixed seed.

With --partitioned N, the command also runs on N persons written as a folder of Parquet parts
of 10^6 persons each (drawn part by part, each from its own seed, ids unique across parts),
streamed into one Parquet file: its wall time, peak RSS, rows and bytes written. The parts and
the output live in a temporary folder (--tmp) removed afterwards; at 10^8 persons they take
about 4 GB of disk, and the run refuses to start with less than 8 GB of memory available.
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

from anchors import Anchor, add_arguments

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
MODES = ["land_port", "land_irregular", "air", "sea_irregular", "intercepted_at_sea"]


def synthetic_population(n: int, seed: int = 7, first_id: int = 0) -> pl.DataFrame:
    """A SYNTHETIC population in the person schema: shares are invented for load, not facts.

    Built column by column from the draws (codes drawn as indices, the same draws as choosing
    among the codes themselves), with no per-person Python, so 10^7 persons take seconds."""
    rng = np.random.default_rng(seed)

    def choice(values: list[str], p: list[float] | None = None) -> pl.Series:
        return pl.Series(values).gather(rng.choice(len(values), n, p=p))

    def maybe(values: pl.Series | np.ndarray, p_null: float = 0.02) -> pl.Series:
        mask = rng.random(n) < p_null
        return pl.select(pl.when(pl.lit(mask)).then(None).otherwise(pl.lit(values))).to_series()

    present = choice(SENDERS, [0.55, 0.12, 0.1, 0.08, 0.08, 0.07])
    first = choice(CODES)
    citizen = pl.Series(rng.random(n) < 0.05)
    first = pl.select(pl.when(pl.lit(citizen)).then(pl.lit(present)).otherwise(pl.lit(first)))
    dual = pl.Series(rng.random(n) < 0.03)
    second = choice(CODES)
    unknown = pl.Series(rng.random(n) < 0.02)
    protected = pl.Series(rng.random(n) < 0.02)
    against = choice(CODES)
    arrival_days = rng.integers(0, 3650, n)
    lists = pl.select(
        pl.when(pl.lit(unknown))
        .then(None)
        .when(pl.lit(dual))
        .then(pl.concat_list(pl.lit(first.to_series()), pl.lit(second)))
        .otherwise(pl.concat_list(pl.lit(first.to_series())))
        .alias("citizenships"),
        pl.when(pl.lit(protected))
        .then(pl.concat_list(pl.lit(against)))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("protection_against"),
    )
    frame = pl.DataFrame(
        {
            "id": pl.select(pl.format("syn-{}", pl.int_range(first_id, first_id + n))).to_series(),
            "present_in": present,
            "citizenships": lists["citizenships"],
            "age": maybe(rng.integers(5, 70, n)),
            "sex": maybe(choice(["male", "female"], [0.7, 0.3])),
            "asylum_claim": maybe(
                choice(["none", "pending", "granted", "denied"], [0.5, 0.3, 0.05, 0.15])
            ),
            "protection_against": lists["protection_against"],
            "final_removal_order": maybe(rng.random(n) < 0.4),
            "criminal_conviction": maybe(rng.random(n) < 0.3),
            "serving_sentence": maybe(rng.random(n) < 0.05),
            "gang_designation": maybe(rng.random(n) < 0.02),
            "arrival_date": (
                pl.Series(arrival_days).cast(pl.Int32) + (date(2016, 1, 1) - date(1970, 1, 1)).days
            ).cast(pl.Date),
            "arrival_mode": maybe(choice(MODES)),
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


LAUNCH = """
import atexit, sys
from pathlib import Path
def _peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            print("peak_rss_mb", int(line.split()[1]) / 1024, file=sys.stderr)
atexit.register(_peak)
from accords.cli import app
sys.argv = ["accords", *sys.argv[1:]]
app()
"""


def run_command(*args: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the process's own VmHWM) of `accords ARGS` as a command."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("peak_rss")]
    return wall, float(peaks[-1])


def one(n: int, day: date, with_oracle: bool) -> dict[str, object]:
    """Measure one size in this process (the command in a child process of its own)."""
    from accords.engine.evaluate import evaluate_frame
    from accords.registry.loader import load_registry

    registry = load_registry()
    agreements = list(registry)
    frame = synthetic_population(n)
    pairs = n * len(agreements)
    result: dict[str, object] = {"persons": n, "agreements": len(agreements), "pairs": pairs}
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        evaluation = evaluate_frame(frame, agreements, day)
        runs.append(time.perf_counter() - started)
    result["engine_s"] = min(runs)
    result["pairs_per_s"] = pairs / min(runs)
    # evaluated pairs (the rows `verdicts` would have), without building that long table
    result["cases"] = sum(g.rows.size * len(g.agreements) for g in evaluation.groups)
    del evaluation
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "population.parquet"
        frame.write_parquet(source)
        out = Path(tmp) / "verdicts.parquet"
        wall, peak = run_command("evaluate", str(source), "--out", str(out), "--date", str(day))
        result["parquet_s"] = wall
        result["peak_rss_mb"] = peak
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
    result["engine_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


PART_PERSONS = 1_000_000
NEEDS_AVAILABLE_MB = 8 * 1024


def available_mb() -> float:
    """MemAvailable of this machine, in MB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0


def partitioned(n: int, day: date, tmp: Path | None) -> dict[str, object]:
    """`accords evaluate` on `n` persons in parts of PART_PERSONS, into one Parquet file."""
    import pyarrow.parquet as pq

    available = available_mb()
    if available < NEEDS_AVAILABLE_MB:
        raise SystemExit(
            f"--partitioned: {available:,.0f} MB available, needs {NEEDS_AVAILABLE_MB:,}"
        )
    with tempfile.TemporaryDirectory(prefix="partitioned-", dir=tmp) as folder:
        parts = Path(folder) / "population"
        parts.mkdir()
        started = time.perf_counter()
        for i, first in enumerate(range(0, n, PART_PERSONS)):
            size = min(PART_PERSONS, n - first)
            synthetic_population(size, seed=1_000 + i, first_id=first).write_parquet(
                parts / f"part-{i:05d}.parquet"
            )
        drawn = time.perf_counter() - started
        out = Path(folder) / "verdicts.parquet"
        wall, peak = run_command("evaluate", str(parts), "--out", str(out), "--date", str(day))
        return {
            "partitioned_persons": n,
            "parts": len(list(parts.iterdir())),
            "draw_s": drawn,
            "partitioned_s": wall,
            "partitioned_peak_rss_mb": peak,
            "rows_written": pq.ParquetFile(out).metadata.num_rows,
            "bytes_written": out.stat().st_size,
            "available_mb_before": available,
        }


def anchor_polars(anchor: Anchor, n: int) -> dict[str, object]:
    """The anchor's 2-thread polars implementation at `n` persons (11 agreements, every person
    against every agreement): median eval seconds of 3 runs and pairs per second."""
    anchor.run("population.py", "--n", str(n))
    record = anchor.run("bench_one.py", "--impl", "polars", "--n", str(n), "--repeats", "3")
    eval_s = float(record["eval_s"])  # type: ignore[arg-type]
    pairs = n * int(record["agreements"])  # type: ignore[call-overload]
    return {"anchor_polars_s": eval_s, "anchor_pairs_per_s": pairs / eval_s}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--date", default="2025-04-01")
    parser.add_argument("--oracle-max", type=float, default=1e4)
    parser.add_argument("--json", action="store_true", help="One JSON line per size.")
    parser.add_argument(
        "--partitioned", type=float, help="Also run the command on this many persons in parts."
    )
    parser.add_argument("--tmp", type=Path, help="Where --partitioned writes (default: TMPDIR).")
    add_arguments(parser)
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    day = date.fromisoformat(args.date)
    if args.one:
        print(json.dumps(one(int(args.one), day, args.one <= args.oracle_max)))
        return
    anchor = Anchor(args.anchor_dir / "evaluate", args.anchor_python) if args.anchor else None
    if not args.json:
        print(
            f"python {platform.python_version()}, polars {pl.__version__}, "
            f"{platform.machine()}; date {day}\n"
        )
        print(
            "| persons | pairs | engine s | M pairs/s | anchor polars M pairs/s | ratio "
            "| command s | command peak RSS MB | oracle s |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in [s for s in args.sizes.split(",") if s]:
        out = subprocess.run(
            [sys.executable, __file__, "--one", size, "--date", args.date,
             "--oracle-max", str(args.oracle_max)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        if anchor is not None:
            r.update(anchor_polars(anchor, int(r["persons"])))
            r["ratio_to_anchor"] = r["pairs_per_s"] / r["anchor_pairs_per_s"]
        if args.json:
            print(json.dumps(r), flush=True)
            continue
        oracle = f"{r['oracle_s']:.2f}" if "oracle_s" in r else "—"
        versus = (
            f"{r['anchor_pairs_per_s'] / 1e6:.0f} | {r['ratio_to_anchor']:.2f}"
            if anchor is not None
            else "— | —"
        )
        print(
            f"| {r['persons']:,} | {r['pairs']:,} | {r['engine_s']:.3f} "
            f"| {r['pairs_per_s'] / 1e6:.1f} | {versus} | {r['parquet_s']:.2f} "
            f"| {r['peak_rss_mb']:.0f} | {oracle} |",
            flush=True,
        )
    if anchor is not None:
        anchor.close()
    if args.partitioned:
        record = partitioned(int(args.partitioned), day, args.tmp)
        if args.json:
            print(json.dumps(record), flush=True)
        else:
            print(
                f"\npartitioned: {record['partitioned_persons']:,} persons in {record['parts']} "
                f"parts, {record['rows_written']:,} rows, {record['bytes_written'] / 1e9:.2f} GB "
                f"written in {record['partitioned_s']:.1f} s, peak RSS "
                f"{record['partitioned_peak_rss_mb']:,.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
