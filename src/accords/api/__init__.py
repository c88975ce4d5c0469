"""The HTTP API (JSON under /api) and the web pages of accords, as one FastAPI app."""

from accords.api.app import create_app
from accords.api.settings import Settings

__all__ = ["Settings", "create_app"]
