"""The run store: simulation runs recorded in an embedded DuckDB file, series as Parquet beside it.

`RunStore` is the one way the CLI, the API and the web pages create, follow and read runs; see
`accords.store.db` for what it guarantees to concurrent readers and about killed runs.
"""

from accords.store.db import (
    RunStore,
    StoreBusyError,
    StoreError,
    StoreMissingError,
    check_store_path,
    default_db_path,
)
from accords.store.records import RunRecord, Status
from accords.store.scenario_text import Assumption, assumption_lines, assumptions, resolved_yaml

__all__ = [
    "Assumption",
    "RunRecord",
    "RunStore",
    "Status",
    "StoreBusyError",
    "StoreError",
    "StoreMissingError",
    "assumption_lines",
    "assumptions",
    "check_store_path",
    "default_db_path",
    "resolved_yaml",
]
