"""Resident memory of this process, read the same way in one process and in workers."""

from __future__ import annotations

import resource
import sys


def peak_rss_bytes() -> int:
    """Peak resident set size of this process image.

    Reads ``VmHWM`` from ``/proc/self/status``, which starts afresh at ``exec``. The
    fallback ``getrusage`` maximum is not used first because Linux carries it over
    ``fork`` and ``exec``, so a worker started by a large parent would report at least
    the parent's size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return int(peak if sys.platform == "darwin" else peak * 1024)


def current_rss_bytes() -> int:
    """Current resident set size, read from ``/proc/self/statm`` (0 where unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except OSError:
        return 0
    return pages * resource.getpagesize()
