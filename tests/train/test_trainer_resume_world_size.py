"""Resuming with another process count names the count the checkpoint needs."""

import pytest
import torch
from test_trainer import run, two_block_graph


def _checkpoint_of_parts(tmp_path, parts):
    data = two_block_graph()
    out = tmp_path / "run"
    run(data, epochs=1, out=str(out), checkpoint_every=1)
    path = out / "checkpoint_000001.pt"
    state = torch.load(path, weights_only=True)
    state["graph"]["num_parts"] = parts
    torch.save(state, path)
    return data, path


@pytest.mark.parametrize(
    "parts, launch",
    [
        (2, ("2 processes (torchrun --nproc_per_node=2 or mpiexec -n 2, with "
             "--partitions of 2 parts if any)")),
        (4, ("4 processes (torchrun --nproc_per_node=4 or mpiexec -n 4, with "
             "--partitions of 4 parts if any)")),
    ],
)
def test_other_process_count_named(tmp_path, parts, launch):
    data, path = _checkpoint_of_parts(tmp_path, parts)
    with pytest.raises(ValueError) as caught:
        run(data, epochs=2, out=str(tmp_path / "next"), resume=str(path))
    message = str(caught.value)
    assert f"It was written by a run of {parts} processes, and this run has 1" in message
    assert f"Resume with {launch}, or start a new run in another out folder" in message


def test_other_graph_keeps_general_fix(tmp_path):
    data, path = _checkpoint_of_parts(tmp_path, 1)
    state = torch.load(path, weights_only=True)
    state["graph"]["num_nodes"] = 999
    state["graph"]["num_parts"] = 2
    torch.save(state, path)
    with pytest.raises(ValueError) as caught:
        run(data, epochs=2, out=str(tmp_path / "next"), resume=str(path))
    assert str(caught.value).endswith(
        ". Resume only with the same dataset and partitioning"
    )
