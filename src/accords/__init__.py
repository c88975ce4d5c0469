"""accords: migration agreements between states, and the laws that bound them, as cited rules."""

from accords.engine.api import check, evaluate
from accords.registry.loader import Registry, load_registry
from accords.simulation.run import simulate
from accords.version import PACKAGE_VERSION

__version__ = PACKAGE_VERSION

__all__ = ["Registry", "__version__", "check", "evaluate", "load_registry", "simulate"]
