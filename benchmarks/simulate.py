"""Throughput and memory of the simulator: person-months per second, 10^4..10^6 persons.

Unit of work as in the anchor benchmark of a SimPy pipeline: one person-month is one person
in the sender's custody during one simulated month (persons held by a receiver are not counted).
Each size runs in a fresh process (so peak RSS is that size's own), one replica at a time, 36
months, the default scenario's agreements and rates. The run also prints event counts
(transfers, blocked), so a speed-up that changes behaviour shows.

    .venv/bin/python benchmarks/simulate.py                 # 1e4, 1e5, 1e6; 3 repeats
    .venv/bin/python benchmarks/simulate.py --sizes 1e4,1e5 --repeats 1
    .venv/bin/python benchmarks/simulate.py --simpy --sizes 1e3,1e4,1e5,1e6 --repeats 1
    .venv/bin/python benchmarks/simulate.py --sizes 1e6 --json --anchor

With --simpy, each size also runs the event-by-event SimPy model of the same rules
(benchmarks/simpy_model.py; SimPy comes with the `dev` extra) on the same plan and population,
and prints both rates, the ratio, and both models' event counts (which agree in distribution;
on fixed draws they are identical, as tests/simulation/test_simpy_equivalence.py checks).
With --anchor, the shared anchor's vectorised numpy monthly model (`../shared/anchors/simulate`)
runs at each size in the same invocation, and the ratio of persons per second per replica is
printed beside both peak RSS figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

from anchors import Anchor, add_arguments


def _rss_mb(field: str) -> float:
    """VmHWM (peak) or VmRSS of this process, from /proc (Linux); 0 where unavailable."""
    status = Path("/proc/self/status")
    if not status.exists():
        return 0.0
    for line in status.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def one(size: int, repeats: int, seed: int, with_simpy: bool) -> dict[str, object]:
    """Run in a child process: time `repeats` replicas of the default scenario at `size`."""
    import numpy as np

    from accords.registry.loader import load_registry
    from accords.simulation.model import run_replica
    from accords.simulation.plan import build_plan
    from accords.simulation.run import replica_seeds
    from accords.simulation.scenario import load_scenario

    after_imports = _rss_mb("VmRSS")
    base = load_scenario()
    assert base.population.synthetic is not None
    population = base.population.model_copy(
        update={"synthetic": base.population.synthetic.model_copy(update={"size": size})}
    )
    scenario = base.model_copy(update={"population": population, "horizon_months": 36})
    plan = build_plan(scenario, load_registry())
    walls, person_months, transfers, blocked = [], [], [], []
    for i, seed_seq in enumerate(replica_seeds(seed, repeats)):
        start = time.perf_counter()
        result = run_replica(plan, i, seed_seq)
        walls.append(time.perf_counter() - start)
        person_months.append(float(result.series["person_months"][""].sum()))
        transfers.append(float(result.series["transfers"]["all"].sum()))
        blocked.append(float(result.series["blocked"][""].sum()))
    k = int(np.argsort(walls)[len(walls) // 2])
    simpy_row: dict[str, float] = {}
    if with_simpy:
        sys.path.insert(0, str(Path(__file__).parent))
        from accords.simulation.draws import RandomDraws
        from accords.simulation.model import build_population
        from simpy_model import run_simpy

        rng = np.random.default_rng(seed)
        pop = build_population(plan, rng)
        start = time.perf_counter()
        events = run_simpy(plan, pop, RandomDraws(plan, rng))
        wall = time.perf_counter() - start
        simpy_row = {
            "simpy_wall_s": wall,
            "simpy_person_months": float(events["person_months"][""].sum()),
            "simpy_transfers": float(events["transfers"]["all"].sum()),
            "simpy_blocked": float(events["blocked"][""].sum()),
        }
    return {
        **simpy_row,
        "persons": size,
        "months": 36,
        "wall_s": walls[k],
        "person_months": person_months[k],
        "person_months_per_s": person_months[k] / walls[k],
        "transfers": transfers[k],
        "blocked": blocked[k],
        "peak_rss_mb": _rss_mb("VmHWM"),
        "rss_after_imports_mb": after_imports,
        "walls_s": walls,
    }


def anchor_numpy(anchor: Anchor, size: int) -> dict[str, float]:
    """The anchor's vectorised numpy monthly model at `size` persons, 3 replicas: median wall
    per replica, persons and person-months per second, and its process's peak RSS."""
    r = anchor.run("bench_one.py", "--model", "numpy", "--n", str(size), "--repeats", "3")
    wall = float(r["median_wall_s"])  # type: ignore[arg-type]
    return {
        "anchor_wall_per_replica_s": wall,
        "anchor_persons_per_s": size / wall,
        "anchor_person_months_per_s": float(r["median_pm_per_s"]),  # type: ignore[arg-type]
        "anchor_peak_rss_mb": float(r["peak_rss_mb"]),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e4,1e5,1e6")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250601)
    parser.add_argument("--simpy", action="store_true", help="Also run the SimPy model.")
    parser.add_argument("--json", action="store_true", help="One JSON line per size.")
    add_arguments(parser)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one(args.child, args.repeats, args.seed, args.simpy)))
        return
    anchor = Anchor(args.anchor_dir / "simulate", args.anchor_python) if args.anchor else None
    rows = []
    for size in (int(float(s)) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(size), "--repeats", str(args.repeats),
             "--seed", str(args.seed), *(["--simpy"] if args.simpy else [])],
            check=True, capture_output=True, text=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["wall_per_replica_s"] = row["wall_s"]
        row["persons_per_s"] = size / row["wall_s"]
        if anchor is not None:
            row.update(anchor_numpy(anchor, size))
            row["ratio_persons_per_s"] = row["persons_per_s"] / row["anchor_persons_per_s"]
        if args.json:
            print(json.dumps(row), flush=True)
        rows.append(row)
    if anchor is not None:
        anchor.close()
    if args.json:
        return
    print(f"accords simulate benchmark — Python {platform.python_version()}, "
          f"{platform.machine()}, median of {args.repeats} replica(s), 36 months\n")
    print("| persons | wall per replica | person-months | person-months/s | transfers | blocked "
          "| peak RSS MB | RSS after imports MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['persons']:,} | {r['wall_s']:.2f} s | {r['person_months']:,.0f} "
              f"| {r['person_months_per_s'] / 1e6:.2f} M | {r['transfers']:,.0f} "
              f"| {r['blocked']:,.0f} | {r['peak_rss_mb']:.0f} | {r['rss_after_imports_mb']:.0f} |")
    if args.simpy:
        print("\n| persons | accords pm/s | SimPy pm/s | ratio | transfers (accords / SimPy) "
              "| blocked (accords / SimPy) |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            simpy_rate = r["simpy_person_months"] / r["simpy_wall_s"]
            print(f"| {r['persons']:,} | {r['person_months_per_s'] / 1e6:.3f} M "
                  f"| {simpy_rate / 1e6:.3f} M | {r['person_months_per_s'] / simpy_rate:.0f}x "
                  f"| {r['transfers']:,.0f} / {r['simpy_transfers']:,.0f} "
                  f"| {r['blocked']:,.0f} / {r['simpy_blocked']:,.0f} |")
    if anchor is not None:
        print("\n| persons | accords persons/s per replica | anchor numpy persons/s | ratio "
              "| accords peak RSS MB | anchor peak RSS MB |")
        print("|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['persons']:,} | {r['persons_per_s'] / 1e6:.2f} M "
                  f"| {r['anchor_persons_per_s'] / 1e6:.2f} M | {r['ratio_persons_per_s']:.2f} "
                  f"| {r['peak_rss_mb']:.0f} | {r['anchor_peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
