"""The simulator: scenarios of agreements' flows, capacity, courts, record errors and costs.

`simulate(scenario)` runs a scenario's replicas and returns a `RunResult`; see `model` for the
monthly step and `costs` for how each price is charged.
"""

from accords.simulation.run import simulate
from accords.simulation.scenario import Scenario, load_scenario

__all__ = ["Scenario", "load_scenario", "simulate"]
