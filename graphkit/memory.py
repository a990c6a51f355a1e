"""Resident memory of this process, read the same way in one process and in workers.

On a CUDA device the peak bytes of tensors come from torch's caching allocator.
"""

from __future__ import annotations

import os
import resource
import sys

import torch


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


def peak_cuda_bytes(device: torch.device | str) -> int | None:
    """Return the peak bytes held by tensors on a CUDA ``device`` since the last reset.

    This is ``torch.cuda.max_memory_allocated``: tensors only, without the caching
    allocator's reserve or the CUDA context. Returns None for a device of another type.
    """
    device = torch.device(device)
    if device.type != "cuda":
        return None
    return int(torch.cuda.max_memory_allocated(device))


def reset_peak_cuda_bytes(device: torch.device | str) -> None:
    """Reset :func:`peak_cuda_bytes` to the bytes allocated now (CUDA devices only)."""
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)


MALLOC_VARIABLE = "GRAPHKIT_MALLOC"
MALLOC_SETTINGS = ("mmap", "default")


def malloc_setting(environ=None) -> str:
    """Read ``GRAPHKIT_MALLOC``: ``mmap`` when unset or empty, else ``mmap`` or ``default``.

    Raises:
        ValueError: for any other value, so that a typo does not silently keep the
            mmap setting that the variable was meant to turn off.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(MALLOC_VARIABLE, "").strip().lower()
    if not value:
        return "mmap"
    if value not in MALLOC_SETTINGS:
        raise ValueError(
            f"invalid {MALLOC_VARIABLE}={environ[MALLOC_VARIABLE]!r}. Set it to "
            "'default' to keep glibc's allocator settings, or to 'mmap' (the default "
            "when unset) to give each allocation of 1 MiB or more its own mapping"
        )
    return value


# glibc's mallopt parameter number for the mmap threshold (malloc.h).
_M_MMAP_THRESHOLD = -3
DEFAULT_MMAP_THRESHOLD = 1 << 20


def use_mmap_for_large_allocations(threshold: int = DEFAULT_MMAP_THRESHOLD) -> bool:
    """Serve every allocation of at least ``threshold`` bytes by its own ``mmap``.

    By default glibc raises its mmap threshold each time an mmapped block is freed, up
    to 32 MiB on 64-bit systems (mallopt(3)). After the first large tensor is freed,
    later tensors of that size therefore come from the heap. Memory freed in the middle
    of the heap is not returned to the system, so the resident size grows step by step.
    Setting the threshold explicitly turns the dynamic raise off: freeing a large tensor
    unmaps it at once, and the resident size follows the live tensors.

    Call it at process start, before large tensors exist. Only glibc on Linux has the
    call, so elsewhere nothing changes.

    Args:
        threshold (int): smallest allocation in bytes served by ``mmap``.
            (default: ``1 << 20``)

    Returns:
        ``True`` when the setting was applied.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # libc.so.6 missing or without mallopt: not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, int(threshold)))
