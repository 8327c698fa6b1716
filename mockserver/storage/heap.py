"""Giving memory freed during a build back to the operating system.

A store's build frees far more than it keeps: chunks of draws, fragments, sort temporaries.
glibc's allocator keeps what was freed below memory still in use, where the process holds it
for good (a tenth of the resident size after a million customers). `malloc_trim` hands every
wholly free page back. Elsewhere than on glibc there is nothing to do here.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["return_free_memory"]


def return_free_memory() -> None:
    """Hand the allocator's free pages back to the operating system, where the C library can."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
