"""RANK=0 and WORLD_SIZE=1 left in the shell stop an mpiexec or srun launch of several.

torchrun's variables took precedence, so under ``mpiexec -n 2`` each process started
a group of 1 and trained the whole graph alone, both writing the same ``--out``.
"""

import pytest
from graphkit.distributed.runtime import _environment
from graphkit.launcher import SIZE_VARIABLES, StartUpError


def _torchrun_leftovers(monkeypatch) -> None:
    for name in SIZE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("WORLD_SIZE", "1")
    monkeypatch.setenv("MASTER_ADDR", "127.0.0.1")
    monkeypatch.setenv("MASTER_PORT", "29500")


@pytest.mark.parametrize("name", ["PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "SLURM_STEP_NUM_TASKS"])
def test_world_of_one_under_launcher_of_two(monkeypatch, name):
    _torchrun_leftovers(monkeypatch)
    monkeypatch.setenv(name, "2")
    with pytest.raises(StartUpError) as info:
        _environment()
    assert str(info.value).startswith(
        f"RANK=0 and WORLD_SIZE=1 are set, as by torchrun, but {name}=2 shows that a "
        "launcher started 2 processes"
    )


def test_world_of_one_alone_passes(monkeypatch):
    _torchrun_leftovers(monkeypatch)
    assert _environment() == (0, 1, "127.0.0.1", 29500)


def test_torchrun_inside_mpiexec_passes(monkeypatch):
    # One torchrun agent per machine under mpiexec gives a larger WORLD_SIZE.
    _torchrun_leftovers(monkeypatch)
    monkeypatch.setenv("WORLD_SIZE", "8")
    monkeypatch.setenv("RANK", "5")
    monkeypatch.setenv("PMI_SIZE", "2")
    assert _environment() == (5, 8, "127.0.0.1", 29500)
