"""METIS in a forked child process, so that Ctrl-C and SIGTERM stop it at once.

While METIS runs, GKlib (inside METIS, pymetis 2025.2.2) replaces the SIGTERM handler
with its own, which makes METIS fail with the bare RuntimeError("Caught an unknown
exception!") in place of the interrupt. A SIGINT waits for METIS to return, because
Python runs its handlers between bytecodes only. The parent process here waits in
``os.read``, where both signals raise at once. It then kills the child and raises the
interrupt, so the command's interrupt cleanup runs.
"""

from __future__ import annotations

import ctypes
import gc
import mmap
import os
import signal
import warnings

import numpy as np

# prctl(2) option that sends the child a signal when its parent exits (Linux).
_PR_SET_PDEATHSIG = 1


def part_graph_in_child(
    num_parts: int, xadj: np.ndarray, adjncy: np.ndarray, seed: int
) -> np.ndarray:
    """Return METIS's partition of each node, computed in a forked child process.

    The child reads the CSR arrays from the parent's memory (copy-on-write) and
    writes the partitions into a shared mapping. Raises RuntimeError with METIS's
    error, or when the child ends without a result (for example killed for memory).
    """
    # Imported here, because a child that imports it could wait forever on an
    # import lock that another thread of the parent held at the fork.
    import pymetis

    num_nodes = len(xadj) - 1
    shared = mmap.mmap(-1, max(1, num_nodes) * 8)
    membership = np.frombuffer(shared, dtype=np.int64, count=num_nodes)
    prctl = _libc_prctl()
    read_end, write_end = os.pipe()
    parent = os.getpid()
    with warnings.catch_warnings():
        # Python 3.12 and later warn that forking a process with threads (torch's)
        # may deadlock the child. The child runs only METIS's C code and numpy, and
        # takes no Python lock that those threads may hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
    if pid == 0:  # the child
        os.close(read_end)
        _run_child(
            pymetis, num_parts, xadj, adjncy, seed, membership, write_end, parent, prctl
        )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as pipe:
            # Python retries the read after a signal whose handler returns, and
            # raises what a handler raises (KeyboardInterrupt, Terminated).
            report = pipe.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if report != b"ok":
        if report:
            raise RuntimeError(f"METIS failed: {report.decode(errors='replace')}")
        raise RuntimeError(
            f"the METIS process ended without a result ({_describe(status)}). If it "
            "ran out of memory, partition on a machine with more memory or with the "
            "random method"
        )
    result = membership.copy()
    del membership
    shared.close()
    return result


def _run_child(
    pymetis, num_parts, xadj, adjncy, seed, membership, write_end, parent, prctl
) -> None:
    """Partition, write the result and ``ok`` (or the error) to the pipe, and exit."""
    # A collection could run finalizers that take locks other threads of the parent
    # held at the fork. The child exits soon, so its garbage need not be collected.
    gc.disable()
    code = 0
    try:
        # The parent handles Ctrl-C, which the terminal sends to both processes, and
        # kills this one.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _end_with_parent(parent, prctl)
        options = pymetis.Options(seed=seed)
        _, parts = pymetis.part_graph(
            num_parts, pymetis.CSRAdjacency(xadj, adjncy), options=options
        )
        membership[:] = parts
        report = b"ok"
    except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises
        report = f"{type(error).__name__}: {error}".encode()
        code = 1
    try:
        os.write(write_end, report)
    finally:
        # os._exit skips the parent's atexit handlers and buffered output, which a
        # forked child must not run or flush a second time.
        os._exit(code)


def _libc_prctl():
    """Return libc's ``prctl``, or None where there is none (not Linux).

    Looked up in the parent, before the fork. ``CDLL(None)`` searches the running
    program, so the child needs no ``ctypes.util.find_library``, which may start
    ``ldconfig`` or a compiler in a subprocess.
    """
    try:
        return ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None


def _end_with_parent(parent: int, prctl) -> None:
    """Have the kernel kill this process when ``parent`` exits (Linux only).

    A parent ended by a signal that it does not handle (SIGTERM outside the graphkit
    commands, SIGKILL) cannot kill the child itself, and METIS would run on alone.
    """
    if prctl is None:
        return  # not Linux: the child runs until METIS returns
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    # The parent may have exited before prctl took effect.
    if os.getppid() != parent:
        os._exit(1)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
