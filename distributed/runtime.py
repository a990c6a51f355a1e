"""Process-group start-up for torchrun, mpiexec and plain processes, and partition loading.

:func:`init_process_group` finds this process's rank and the world size from

1. torchrun's environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``);
2. an MPI launcher (``mpiexec -n N``), through ``mpi4py``: rank 0 picks a free port and
   broadcasts it, and ``MASTER_ADDR`` defaults to 127.0.0.1 (one machine);
3. otherwise a single process (rank 0 of 1).

It then starts a ``torch.distributed`` group (gloo unless told otherwise) on a TCP store
and a heartbeat thread, used to name a rank that stops responding.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

import torch.distributed as dist
from graphkit.distributed.comm import Communicator, Heartbeat

logger = logging.getLogger(__name__)

_MPI_SIZE_VARS = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS")
_state: dict = {}


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _from_mpi() -> tuple[int, int, str, int]:
    try:
        from mpi4py import MPI
    except ImportError as error:
        raise RuntimeError(
            'started by an MPI launcher but mpi4py is not installed: pip install "graphkit[mpi]"'
        ) from error
    world = MPI.COMM_WORLD
    rank, size = world.Get_rank(), world.Get_size()
    addr = os.environ.get("MASTER_ADDR", "127.0.0.1")
    port = int(os.environ["MASTER_PORT"]) if "MASTER_PORT" in os.environ else None
    if port is None:
        port = world.bcast(free_port(addr) if rank == 0 else None, root=0)
    return rank, size, addr, port


def _environment() -> tuple[int, int, str, int]:
    env = os.environ
    if "RANK" in env and "WORLD_SIZE" in env:
        missing = [k for k in ("MASTER_ADDR", "MASTER_PORT") if k not in env]
        if missing:
            raise RuntimeError(
                f"RANK and WORLD_SIZE are set but {', '.join(missing)} is not; start with "
                "torchrun or set MASTER_ADDR and MASTER_PORT"
            )
        return (
            int(env["RANK"]),
            int(env["WORLD_SIZE"]),
            env["MASTER_ADDR"],
            int(env["MASTER_PORT"]),
        )
    if any(int(env.get(k, "0") or 0) > 1 for k in _MPI_SIZE_VARS):
        return _from_mpi()
    return 0, 1, "127.0.0.1", 0


def init_process_group(
    timeout_s: float = 300.0, backend: str = "gloo"
) -> tuple[int, int]:
    """Start the process group once and return ``(rank, world_size)``.

    Args:
        timeout_s (float): timeout of every collective and point-to-point operation,
            and of the rendezvous. (default: ``300``)
        backend (str): ``"gloo"`` (CPU tensors) or ``"nccl"``. (default: ``"gloo"``)
    """
    if dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    rank, world_size, addr, port = _environment()
    timeout = timedelta(seconds=timeout_s)
    if world_size == 1:
        store = dist.HashStore()
        heartbeat = None
    else:
        agent_store = os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
        store = dist.TCPStore(
            addr,
            port,
            world_size,
            is_master=rank == 0 and not agent_store,
            timeout=timeout,
            wait_for_workers=False,
        )
        # A second connection, so the heartbeat thread never shares a socket with the
        # process group.
        heartbeat = Heartbeat(
            dist.TCPStore(addr, port, is_master=False, timeout=timeout),
            rank,
            world_size,
        )
    dist.init_process_group(
        backend,
        store=dist.PrefixStore("graphkit/pg", store),
        rank=rank,
        world_size=world_size,
        timeout=timeout,
    )
    _state.update(store=store, heartbeat=heartbeat, timeout_s=timeout_s)
    logger.debug("process group %s started: rank %d of %d", backend, rank, world_size)
    return rank, world_size


def communicator() -> Communicator:
    """A :class:`Communicator` over the world group started by :func:`init_process_group`."""
    if not dist.is_initialized():
        raise RuntimeError("call init_process_group() before communicator()")
    return Communicator(None, _state.get("timeout_s", 300.0), _state.get("heartbeat"))


def destroy_process_group() -> None:
    """Stop the heartbeat and the process group (safe to call when none is running)."""
    heartbeat = _state.pop("heartbeat", None)
    if heartbeat is not None:
        heartbeat.stop()
    if dist.is_initialized():
        dist.destroy_process_group()
    _state.clear()
