"""Memory accounting: peak resident memory of the process and bytes held by halo rows."""

from __future__ import annotations

import resource
import sys
import weakref

from torch import Tensor


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


class FetchTracker:
    """Bytes currently held by halo rows fetched from peers, and their peak.

    A receive buffer is registered with :meth:`hold` when it is allocated, and its bytes
    are released when the tensor is garbage collected. In ``sar`` mode the count falls
    after each round. ``sa`` and ``one-shot`` keep the rows of max/min, attention and
    message aggregations (and their count) until the backward pass has used them.
    """

    def __init__(self) -> None:
        self.current = 0
        self.peak = 0

    def hold(self, tensors: list[Tensor]) -> list[Tensor]:
        for t in tensors:
            size = t.numel() * t.element_size()
            if size == 0:
                continue
            self.current += size
            self.peak = max(self.peak, self.current)
            weakref.finalize(t, self._release, size)
        return tensors

    def _release(self, size: int) -> None:
        self.current -= size

    def reset_peak(self) -> int:
        """Return the peak since the last call and restart it from the current count."""
        peak, self.peak = self.peak, self.current
        return peak
