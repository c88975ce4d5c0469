"""Engine test fixtures, and the helper modules of this folder under collision-free names.

The test tree has no `__init__.py` files, so a helper called `oracle.py` or `strategies.py`
would be imported as the top-level module `oracle` / `strategies` and could clash with a
same-named helper in another test folder. This conftest loads this folder's helpers once, by
path, as `engine_oracle` and `engine_strategies`; the test modules import those names.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from accords.registry.loader import Registry, load_registry

HERE = Path(__file__).parent


def _load(name: str, filename: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load("engine_oracle", "oracle.py")
_load("engine_strategies", "strategies.py")


@pytest.fixture(scope="session")
def shipped_registry() -> Registry:
    """The whole shipped registry, loaded once for the engine tests."""
    return load_registry()
