"""Is the process that started a run still alive? (So a killed run is marked failed.)

A run records the pid, host and start time of the process running it. A pid alone is not
enough: pids are reused, so a run whose process died long ago could look alive because an
unrelated process now has its pid. On Linux the kernel's start time of the process
(`/proc/PID/stat`, field 22) tells the two apart; elsewhere the pid check is the best we have.
A zombie (killed, not yet reaped by its parent) counts as dead: it will never write again.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def host() -> str:
    return socket.gethostname()


def _stat_fields(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/PID/stat (state first); None where /proc is not available."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    return text[text.rfind(")") + 2 :].split()


def start_token(pid: int) -> str | None:
    """An id of this incarnation of `pid` (its start time in clock ticks), or None if unknown."""
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 20:
        return None
    return fields[19]


def alive(pid: int, token: str | None) -> bool:
    """Whether process `pid` (started at `token`, if recorded) still runs on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    fields = _stat_fields(pid)
    if fields is None:
        return not Path("/proc/self/stat").exists()  # no /proc at all: trust os.kill
    if fields and fields[0] in ("Z", "X"):
        return False
    return token is None or len(fields) < 20 or fields[19] == token
