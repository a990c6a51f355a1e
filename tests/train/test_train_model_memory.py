"""graphkit train rejects a model too large for memory before it allocates it.

A --hidden, --layers or --heads with extra digits used to end in a C++ allocator
traceback, or in the out-of-memory killer, after the data had loaded.
"""

import pytest
import torch
from graphkit.launch.cli import run

from graphkit.nn.models import GNN, MODELS
from graphkit.train import TrainConfig, model_memory
from graphkit.train.model_memory import (
    ModelMemoryError,
    check_training_memory,
    training_bytes,
)


def test_bound_of_three_sage_layers():
    config = TrainConfig(model="sage", hidden=3, layers=3)
    # Weights 2*3 + 3*3 + 3*4 = 27, counted 4 times, and outputs 5 * (3 + 3 + 4).
    assert training_bytes(config, 5, 2, 4, 4) == 4 * (4 * 27 + 50)


def test_bound_of_one_layer():
    config = TrainConfig(model="gcn", hidden=100, layers=1)
    # One layer maps 2 features to 4 classes, so --hidden does not count.
    assert training_bytes(config, 5, 2, 4, 8) == 8 * (4 * 8 + 20)


def test_bound_of_pgcn_heads():
    config = TrainConfig(model="pgcn", hidden=3, layers=2, heads=2)
    # Weights 2*3 + 3*4 and embeddings (2 + 3) * 8. Outputs 5 * 7 and positions
    # 5 * 2 * 8.
    assert training_bytes(config, 5, 2, 4, 4) == 4 * (4 * (18 + 40) + 35 + 80)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_bound_below_real_parameters(model):
    config = TrainConfig(model=model, hidden=8, layers=3, heads=2)
    built = GNN(model, 6, 8, 3, num_layers=3, heads=2)
    parameters = sum(p.numel() for p in built.parameters())
    bound = training_bytes(config, 0, 6, 3, 1)
    assert bound <= 4 * parameters


def test_message_names_sizes_and_memory(monkeypatch):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: 2**30)
    config = TrainConfig(model="gat", hidden=2**20, layers=2, heads=4)
    with pytest.raises(ModelMemoryError) as caught:
        check_training_memory(config, torch.zeros(1000, 16), 2, num_edges=5000)
    # Weights 16 * 2^20 + 2^20 * 2, counted 4 times, and outputs 1000 * (2^20 + 2),
    # of 4 bytes each: the lower bound of training_bytes.
    lower_bound = 4 * (4 * 18 * 2**20 + 1000 * (2**20 + 2))
    # Activations: 3.5 * 1000 * (16 + 2 * 2^20 + 2), the input dropout 2 * 1000 * 16,
    # and 8 attention chunks of 5000 edges * 4 heads.
    activations = 3500 * (18 + 2**21) + 32_000 + 8 * 20_000
    # The estimate adds the activations and a 128 MiB workspace to the lower bound.
    needed = lower_bound + 4 * activations + 128 * 2**20
    # The lower bound alone exceeds the free 1 GiB, so the message reads "at least"
    # and does not suggest turning the check off.
    assert str(caught.value) == (
        "training model='gat' with hidden=1048576, layers=2, heads=4 on 1000 nodes "
        f"and 5000 edges with 16 features needs at least {lower_bound / 2**30:.4g} GiB "
        "for the parameters, gradients, Adam states and layer outputs alone (an "
        f"estimated {needed / 2**30:.4g} GiB with all activations), but 1 GiB of "
        "cpu memory is free. Lower hidden or layers or heads"
    )
    assert isinstance(caught.value, ValueError)


def test_unknown_memory_not_checked(monkeypatch):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: None)
    config = TrainConfig(hidden=2**40)
    assert check_training_memory(config, torch.zeros(10, 16), 2) is None


def test_command_line_hidden_rejected(monkeypatch, capsys):
    monkeypatch.setattr(model_memory, "available_memory_bytes", lambda: 2**30)
    assert run(["train", "--hidden", "10000000", "--epochs", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(
        "graphkit train: error: training --model sage with --hidden 10000000, "
        "--layers 2 on 20000 nodes and 199670 edges with 64 features needs at least "
    )
    assert err.endswith("but 1 GiB of cpu memory is free. Lower --hidden or --layers")
