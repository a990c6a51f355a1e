"""The autocast setting of a forward pass, to recompute part of it in the backward pass.

The backward pass usually runs after the ``torch.autocast`` region of the forward pass
has closed. A function that recomputes forward values there (as ``sar`` mode does)
must enter the same setting again. Otherwise it computes in another dtype, so the
values differ from the forward pass. Under max or min aggregation, the recomputed
messages then no longer match the selected value of the forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class AutocastState:
    """Whether autocast is on for ``device_type``, and its lower-precision dtype."""

    device_type: str
    enabled: bool
    dtype: torch.dtype

    @classmethod
    def capture(cls, device_type: str) -> AutocastState:
        """Return the current autocast setting of ``device_type`` (``"cpu"``, ``"cuda"``)."""
        try:
            enabled = torch.is_autocast_enabled(device_type)
            dtype = torch.get_autocast_dtype(device_type)
        except (AttributeError, TypeError):
            # NOTE: the per-device functions came with torch 2.4. This fallback for
            # torch 2.3 reads the older CPU and CUDA functions and is untested here.
            if device_type == "cpu":
                enabled = torch.is_autocast_cpu_enabled()
                dtype = torch.get_autocast_cpu_dtype()
            else:
                enabled = torch.is_autocast_enabled()
                dtype = torch.get_autocast_gpu_dtype()
        return cls(device_type, bool(enabled), dtype)

    def restore(self) -> torch.autocast:
        """Return a context that applies this setting.

        Its cast cache is off, because a cache filled in the forward pass under
        ``torch.no_grad`` contains casts without a gradient path.
        """
        return torch.autocast(
            self.device_type,
            dtype=self.dtype,
            enabled=self.enabled,
            cache_enabled=False,
        )
