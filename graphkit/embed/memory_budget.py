"""A check that a randomized SVD can fit in memory before it allocates anything.

A node id far above the others (a damaged split file, say) sets the node count and
makes every sketch block that many rows long. Without a check the process allocates
until the kernel's out-of-memory killer ends it, without a message, and other
processes on the machine may lose memory as well.
"""

from __future__ import annotations

import torch


class SketchMemoryError(MemoryError, ValueError):
    """The blocks of a randomized SVD would need more memory than is available.

    It is a ValueError too, because the usual cause is an input that is too large (a
    node count set by one wrong id), so the command line reports it in one line.
    """


def available_memory_bytes() -> int | None:
    """Return ``MemAvailable`` of ``/proc/meminfo`` in bytes, or None where unreadable."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def sketch_bytes(shape: tuple[int, int], width: int, dtype: torch.dtype) -> int:
    """Return a lower bound on the bytes of a randomized SVD of a ``shape`` matrix.

    The power iterations hold a test block of ``columns x width`` and its product of
    ``rows x width`` at the same time, so at least ``(rows + columns) * width``
    entries are alive. Products through an implicit matrix allocate more.
    """
    rows, columns = shape
    return (rows + columns) * width * torch.finfo(dtype).bits // 8


def check_sketch_memory(
    shape: tuple[int, int],
    width: int,
    dtype: torch.dtype,
    device: torch.device | str,
    hint: str = "",
) -> None:
    """Raise SketchMemoryError when the sketch blocks cannot fit into available memory.

    Only CPU memory is checked, on systems with ``/proc/meminfo`` (Linux). ``hint``
    ends the message and names the likely cause.
    """
    if torch.device(device).type != "cpu":
        return
    available = available_memory_bytes()
    needed = sketch_bytes(shape, width, dtype)
    if available is None or needed <= available:
        return
    raise SketchMemoryError(
        f"a randomized SVD of a {shape[0]} x {shape[1]} matrix with {width} sketch "
        f"columns needs at least {needed / 2**30:.1f} GiB, but only "
        f"{available / 2**30:.1f} GiB of memory is available. {hint or 'Lower the rank'}"
    )
