"""Choice of the training device and the ``torch.distributed`` backend for each rank.

The rules, applied in this order:

1. ``--device auto`` is ``cuda`` when ``torch.cuda.is_available()``, else ``cpu``.
2. ``--backend auto`` is ``nccl`` for ``cuda`` and ``gloo`` for ``cpu``. An explicit
   backend must fit the device: nccl communicates only CUDA tensors, and gloo sends
   and receives (``isend``/``irecv``) only CPU tensors, per the backend table of the
   ``torch.distributed`` documentation (torch 2.3).
3. A CUDA rank uses GPU ``local_rank`` of its machine. The local rank comes from
   torchrun (``LOCAL_RANK``), from the MPI launcher (``OMPI_COMM_WORLD_LOCAL_RANK``,
   ``MPI_LOCALRANKID``, ``PMI_LOCAL_RANK``), from srun (``SLURM_LOCALID``), or from an
   mpi4py split of the world communicator into shared-memory groups (one group per
   machine).

Apart from :func:`select_device` and :func:`mpi_local_rank`, every function here is
pure, so the rules are tested without a GPU.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping

import torch

from graphkit.launcher import MPI_SIZE_VARIABLES
from graphkit.option_names import option

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda")
BACKENDS = ("auto", "gloo", "nccl")
# Local-rank variables in order of precedence: torchrun, Open MPI, MPICH (Hydra), PMI,
# MVAPICH2's mpirun_rsh, Slurm's srun.
LOCAL_RANK_VARIABLES = (
    "LOCAL_RANK",
    "OMPI_COMM_WORLD_LOCAL_RANK",
    "MPI_LOCALRANKID",
    "PMI_LOCAL_RANK",
    "MV2_COMM_WORLD_LOCAL_RANK",
    "SLURM_LOCALID",
)


def resolve_device_type(requested: str, cuda_available: bool) -> str:
    """Return ``"cpu"`` or ``"cuda"`` for ``--device``.

    Args:
        requested (str): ``"auto"``, ``"cpu"`` or ``"cuda"``.
        cuda_available (bool): the result of ``torch.cuda.is_available()``.

    Raises:
        ValueError: ``requested`` is not a known device, or is ``cuda`` without a GPU.
    """
    if requested not in DEVICES:
        raise ValueError(f"device={requested!r} is invalid. Choose one of {DEVICES}")
    if requested == "auto":
        return "cuda" if cuda_available else "cpu"
    if requested == "cuda" and not cuda_available:
        raise ValueError(
            f"{option('device', 'cuda')} was requested but torch.cuda.is_available() "
            f"is False (no GPU, or torch {torch.__version__} is built without CUDA). "
            f"Pass {option('device', 'cpu')}, or install a CUDA build of torch"
        )
    return requested


def resolve_backend(requested: str, device_type: str) -> str:
    """Return the ``torch.distributed`` backend for tensors on ``device_type``.

    Args:
        requested (str): ``"auto"``, ``"gloo"`` or ``"nccl"``.
        device_type (str): ``"cpu"`` or ``"cuda"`` (from :func:`resolve_device_type`).

    Raises:
        ValueError: unknown backend, or a backend that cannot communicate tensors of
            ``device_type``. The message names both and the options that work.
    """
    if requested not in BACKENDS:
        raise ValueError(f"backend={requested!r} is invalid. Choose one of {BACKENDS}")
    if device_type not in ("cpu", "cuda"):
        raise ValueError(f"device type must be 'cpu' or 'cuda', got {device_type!r}")
    if requested == "auto":
        return "nccl" if device_type == "cuda" else "gloo"
    if requested == "nccl" and device_type == "cpu":
        raise ValueError(
            "backend 'nccl' communicates only CUDA tensors, but the device is 'cpu'. "
            f"Pass {option('device', 'cuda')} on a machine with GPUs, or "
            f"{option('backend', 'gloo')} (or auto)"
        )
    if requested == "gloo" and device_type == "cuda":
        raise ValueError(
            "backend 'gloo' sends and receives only CPU tensors, but the device is "
            f"'cuda'. Pass {option('backend', 'nccl')} (or auto), or "
            f"{option('device', 'cpu')}"
        )
    return requested


def local_rank_from_env(
    env: Mapping[str, str],
    mpi_split: Callable[[], int | None] | None = None,
) -> int:
    """Return this process's rank among the processes on its machine.

    Args:
        env (Mapping[str, str]): the environment (``os.environ``).
        mpi_split (callable, optional): returns the rank within the shared-memory
            communicator, or None when mpi4py is unavailable. It is called only when no
            variable of :data:`LOCAL_RANK_VARIABLES` is set. (default: ``None``, which
            means 0)

    Raises:
        ValueError: a local-rank variable is not a non-negative integer.
    """
    for name in LOCAL_RANK_VARIABLES:
        text = env.get(name)
        if text is None or text == "":
            continue
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise ValueError(
                f"environment variable {name}={text!r} is not a non-negative integer. "
                "Unset it or let the launcher set it"
            )
        return value
    split = mpi_split() if mpi_split is not None else None
    return 0 if split is None else int(split)


def mpi_local_rank() -> int | None:
    """Return the rank within this machine's MPI shared-memory group, or None.

    It returns None when mpi4py is not installed or the world has one process. It splits
    ``COMM_WORLD`` (a collective call), so every rank of an MPI job must call it.
    """
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    world = MPI.COMM_WORLD
    if world.Get_size() == 1:
        return None
    local = world.Split_type(MPI.COMM_TYPE_SHARED)
    try:
        return int(local.Get_rank())
    finally:
        local.Free()


def cuda_device_for(local_rank: int, device_count: int) -> torch.device:
    """Return ``cuda:local_rank``, checking that this machine has that many GPUs.

    Raises:
        ValueError: ``local_rank`` is not below ``device_count``. nccl does not share one
            GPU between ranks of a group, so each process needs its own.
    """
    if device_count < 1:
        raise ValueError(f"no CUDA device is visible. Pass {option('device', 'cpu')}")
    if not 0 <= local_rank < device_count:
        raise ValueError(
            f"local rank {local_rank} has no GPU of its own: this machine shows "
            f"{device_count} CUDA device(s) (CUDA_VISIBLE_DEVICES="
            f"{os.environ.get('CUDA_VISIBLE_DEVICES', 'unset')}). Start at most "
            f"{device_count} processes per machine (torchrun --nproc_per_node="
            f"{device_count}), or pass {option('device', 'cpu')}"
        )
    return torch.device("cuda", local_rank)


def select_device(
    requested_device: str = "auto",
    requested_backend: str = "auto",
    distributed: bool = False,
    env: Mapping[str, str] | None = None,
) -> tuple[torch.device, str]:
    """Resolve ``--device`` and ``--backend`` into ``(device, backend)`` for this process.

    A CUDA device of a distributed run is ``cuda:LOCAL_RANK``, made the current device
    with ``torch.cuda.set_device`` so nccl and the CUDA caching allocator use it.
    A single process on CUDA uses the current device.

    Args:
        requested_device (str): ``auto``, ``cpu`` or ``cuda``. (default: ``"auto"``)
        requested_backend (str): ``auto``, ``gloo`` or ``nccl``. (default: ``"auto"``)
        distributed (bool): the process is one rank of several (torchrun, mpiexec or
            ``--partitions``). (default: ``False``)
        env (Mapping, optional): the environment. (default: ``os.environ``)
    """
    env = os.environ if env is None else env
    device_type = resolve_device_type(requested_device, torch.cuda.is_available())
    backend = resolve_backend(requested_backend, device_type)
    if device_type == "cpu":
        return torch.device("cpu"), backend
    if not distributed:
        return torch.device("cuda", torch.cuda.current_device()), backend
    under_mpi = any(int(env.get(k) or 0) > 1 for k in MPI_SIZE_VARIABLES)
    local_rank = local_rank_from_env(env, mpi_local_rank if under_mpi else None)
    device = cuda_device_for(local_rank, torch.cuda.device_count())
    torch.cuda.set_device(device)
    logger.debug("local rank %d uses %s with backend %s", local_rank, device, backend)
    return device, backend
