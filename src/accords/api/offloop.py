"""Work that reads a request's body runs in a worker thread, with a time bound.

Parsing and validating a scenario, a person or an upload is bounded by the readers' own
limits (size, depth, aliases: `accords.validation`), but it still takes CPU time; done on the
event loop it would stall every other request for that long. `off_loop` runs it in a worker
thread and answers 422 if it has not finished within `Settings.parse_seconds`, so no request
waits on another's document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from accords.api.problems import ApiError

T = TypeVar("T")


async def off_loop(seconds: float, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`work(*args, **kwargs)` in a worker thread; a 422 problem after `seconds`."""
    try:
        with anyio.fail_after(seconds):
            return await anyio.to_thread.run_sync(
                partial(work, *args, **kwargs), abandon_on_cancel=True
            )
    except TimeoutError:
        raise ApiError(
            422,
            "limit-exceeded",
            f"the document took longer than {seconds:g} s to read and check "
            "(setting parse_seconds); send a smaller one",
        ) from None
