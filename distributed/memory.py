"""Memory accounting: peak resident memory of the process and bytes held by halo rows."""

from __future__ import annotations

import weakref

from torch import Tensor

from graphkit.memory import current_rss_bytes, peak_rss_bytes  # noqa: F401


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
