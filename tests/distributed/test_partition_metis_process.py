"""METIS runs in a forked child: its errors and its death reach the caller."""

import ctypes
import ctypes.util
import gc
import os
import signal

import numpy as np
import pymetis
import pytest
from graphkit.distributed.metis_process import part_graph_in_child

# A 4-node path 0-1-2-3 in CSR form.
XADJ = np.array([0, 1, 3, 5, 6])
ADJNCY = np.array([1, 0, 2, 1, 3, 2])
# prctl(2) option that reads the signal set by PR_SET_PDEATHSIG.
_PR_GET_PDEATHSIG = 2


def test_child_matches_pymetis():
    _, expected = pymetis.part_graph(
        2, pymetis.CSRAdjacency(XADJ, ADJNCY), options=pymetis.Options(seed=0)
    )
    got = part_graph_in_child(2, XADJ, ADJNCY, 0)
    assert got.dtype == np.int64
    assert got.tolist() == list(expected)


def test_metis_error_raised(monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("METIS_ERROR_INPUT")

    monkeypatch.setattr(pymetis, "part_graph", failing)
    with pytest.raises(RuntimeError) as error:
        part_graph_in_child(2, XADJ, ADJNCY, 0)
    assert str(error.value) == "METIS failed: RuntimeError: METIS_ERROR_INPUT"


def test_killed_child_reported(monkeypatch):
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(pymetis, "part_graph", killed)
    with pytest.raises(RuntimeError) as error:
        part_graph_in_child(2, XADJ, ADJNCY, 0)
    assert str(error.value).startswith(
        "the METIS process ended without a result (killed by SIGKILL)."
    )


def test_child_looks_up_no_library(monkeypatch):
    # find_library may start ldconfig or a compiler in a subprocess, which a child
    # forked from a process with threads must not do.
    def looked_up(name):
        raise AssertionError(f"find_library({name!r}) called")

    monkeypatch.setattr(ctypes.util, "find_library", looked_up)
    assert part_graph_in_child(2, XADJ, ADJNCY, 0).tolist() == [0, 0, 1, 1]


def test_child_ends_with_parent_and_collects_nothing(monkeypatch):
    # The stand-in for METIS returns the child's parent-death signal and gc state as
    # its partition.
    def child_state(*args, **kwargs):
        signum = ctypes.c_int(-1)
        ctypes.CDLL(None).prctl(_PR_GET_PDEATHSIG, ctypes.byref(signum))
        return 0, [signum.value, int(gc.isenabled()), 0, 0]

    monkeypatch.setattr(pymetis, "part_graph", child_state)
    got = part_graph_in_child(2, XADJ, ADJNCY, 0)
    assert got.tolist() == [signal.SIGKILL, 0, 0, 0]
    assert gc.isenabled()
