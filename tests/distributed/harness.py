"""Run a function on a gloo process group of spawned processes on 127.0.0.1."""

from __future__ import annotations

import os
import pickle
import queue
import traceback

import torch.multiprocessing as mp

from graphkit.distributed.runtime import free_port


def _entry(fn, rank, world_size, port, timeout_s, args, results, group=("gloo", None)):
    os.environ.update(
        RANK=str(rank),
        WORLD_SIZE=str(world_size),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
        OMP_NUM_THREADS="1",
    )
    import torch

    torch.set_num_threads(1)
    from graphkit.distributed import runtime

    try:
        runtime.init_process_group(timeout_s, *group)
        # Plain pickle copies tensors by value. The queue's own pickler would share
        # their storage through a file descriptor, which the parent can fail to
        # fetch (FileNotFoundError) once this process has exited.
        results.put((rank, "ok", pickle.dumps(fn(rank, world_size, *args))))
    # Report every failure, assertion errors included, to the parent test.
    except BaseException:  # noqa: BLE001
        results.put((rank, "error", traceback.format_exc()))
    finally:
        runtime.destroy_process_group()


def start_world(
    fn,
    world_size: int,
    *args,
    timeout_s: float = 60.0,
    join_s: float = 240.0,
    expect=None,
    backend: str = "gloo",
    device: str | None = None,
):
    """Run ``fn(rank, world_size, *args)`` on ``world_size`` processes.

    The group starts with ``backend`` and ``device`` (default: CPU for gloo).

    Returns ``{rank: (status, value)}`` with status ``"ok"`` (value: the return value)
    or ``"error"`` (value: the traceback), for the ranks that reported within ``join_s``.
    It stops waiting after ``expect`` reports (default: all ranks).
    """
    context = mp.get_context("fork")
    results = context.Queue()
    port = free_port()
    procs = [
        context.Process(
            target=_entry,
            args=(fn, r, world_size, port, timeout_s, args, results, (backend, device)),
        )
        for r in range(world_size)
    ]
    for proc in procs:
        proc.start()
    outcome = {}
    try:
        for _ in range(world_size if expect is None else expect):
            rank, status, value = results.get(timeout=join_s)
            outcome[rank] = (status, pickle.loads(value) if status == "ok" else value)
    except queue.Empty:
        pass
    for proc in procs:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
    return outcome


def run_world(
    fn,
    world_size: int,
    *args,
    timeout_s: float = 60.0,
    join_s: float = 240.0,
    backend: str = "gloo",
    device: str | None = None,
):
    """Like :func:`start_world`, but return the values in rank order.

    Raises AssertionError with every rank's traceback when one of them failed.
    """
    outcome = start_world(
        fn,
        world_size,
        *args,
        timeout_s=timeout_s,
        join_s=join_s,
        backend=backend,
        device=device,
    )
    errors = [
        f"rank {r}:\n{v}" for r, (s, v) in sorted(outcome.items()) if s == "error"
    ]
    missing = sorted(set(range(world_size)) - set(outcome))
    if missing:
        errors.append(f"ranks {missing} returned no result within {join_s} s")
    assert not errors, "\n".join(errors)
    return [outcome[r][1] for r in range(world_size)]
