"""Shared fixtures of the simulator tests."""

from __future__ import annotations

import pytest

from accords.registry.loader import Registry, load_registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()
