"""Keeping a process that runs replicas one after another at one replica's peak memory.

glibc's allocator serves a large block (an array of persons) from its own mapping and unmaps it
when freed, but then raises that threshold to the size just freed (up to 32 MiB), so the next
replica's arrays come from the heap instead, where freed blocks are kept and interleave with
live ones: at 10^6 persons a second replica in the same process peaked 12 MB above the first.
Fixing the threshold at glibc's own default (128 KiB) keeps every large array in a mapping of
its own, returned to the system when the array goes. Elsewhere (macOS, musl) nothing changes.
"""

from __future__ import annotations

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # malloc.h
DEFAULT_MMAP_THRESHOLD = 128 * 1024

_done = False


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold at its default (once per process); whether it was set."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols, libc's among them
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD))
    return _done
