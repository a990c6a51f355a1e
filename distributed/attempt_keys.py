"""A store key prefix that every rank of one torchrun attempt agrees on.

torchrun's agent keeps its store across worker restarts, so each attempt needs its own
keys: gloo would otherwise read the addresses of the previous attempt's ranks. The
restart count cannot name the attempt. Under the c10d rendezvous (torch 2.13), only
the agent whose worker failed counts a restart. The other agents restart their
workers for the membership change and keep their count, and an agent that joins
later starts from 0. Ranks with different counts then wait for each other's keys
until the start-up timeout, attempt after attempt.

:func:`agree_attempt` lets rank 0 draw a fresh token and hand it to the other ranks.
A rank that read a token left by the previous attempt is never accepted under it,
so it reads the token again until rank 0's new one is there.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import timedelta

import torch.distributed as dist

from graphkit.option_names import option

_PREFIX = "graphkit/attempts"
_TOKEN_KEY = f"{_PREFIX}/token"
# Seconds between two checks of a rank that waits to be accepted.
_POLL_S = 0.05


def agree_attempt(store, rank: int, world_size: int, timeout_s: float) -> str:
    """Return a token that names this attempt, the same on every rank.

    All ranks of the attempt must call it on one store (rank 0 too). Rank 0 draws the
    token and accepts each other rank once that rank has read it.

    Raises:
        TimeoutError: a rank did not take part within ``timeout_s``.
    """
    if rank == 0:
        return _draw_and_accept(store, world_size, timeout_s)
    return _read_until_accepted(store, rank, timeout_s)


def _draw_and_accept(store, world_size: int, timeout_s: float) -> str:
    token = uuid.uuid4().hex
    store.set(_TOKEN_KEY, token)
    for rank in range(1, world_size):
        joined = f"{_PREFIX}/{token}/joined/{rank}"
        try:
            store.wait([joined], timedelta(seconds=timeout_s))
        except dist.DistError as error:
            raise TimeoutError(
                f"rank 0: start-up timed out after {timeout_s:g} s because rank "
                f"{rank} of WORLD_SIZE={world_size} did not join the process group "
                f"({error}). Check that every machine started its workers, or raise "
                f"{option('timeout_s')}"
            ) from error
        identity = store.get(joined).decode()
        store.set(f"{_PREFIX}/{token}/accepted/{rank}/{identity}", "1")
    return token


def _read_until_accepted(store, rank: int, timeout_s: float) -> str:
    # Unique to this process, so that no key of an earlier attempt accepts it.
    identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
    deadline = time.monotonic() + timeout_s
    token = None
    while True:
        try:
            current = store.get(_TOKEN_KEY).decode()
        except dist.DistError as error:
            raise TimeoutError(
                f"rank {rank}: start-up timed out after {timeout_s:g} s because rank "
                f"0 did not start this attempt ({error}). Check that rank 0's worker "
                f"started, or raise {option('timeout_s')}"
            ) from error
        if current != token:
            token = current
            store.set(f"{_PREFIX}/{token}/joined/{rank}", identity)
        if store.check([f"{_PREFIX}/{token}/accepted/{rank}/{identity}"]):
            return token
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"rank {rank}: start-up timed out after {timeout_s:g} s because rank "
                f"0 did not accept this rank into the attempt. Check that rank 0's "
                f"worker started, or raise {option('timeout_s')}"
            )
        time.sleep(_POLL_S)
