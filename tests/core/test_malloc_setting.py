"""GRAPHKIT_MALLOC accepts ``mmap`` and ``default`` and rejects every other value."""

import pytest
import torch
from graphkit.distributed.files import write_partitions
from graphkit.launch.cli import main
from torch_geometric.data import Data

from graphkit.memory import malloc_setting


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "mmap"),
        ({"GRAPHKIT_MALLOC": ""}, "mmap"),
        ({"GRAPHKIT_MALLOC": "mmap"}, "mmap"),
        ({"GRAPHKIT_MALLOC": "default"}, "default"),
        ({"GRAPHKIT_MALLOC": " Default "}, "default"),
    ],
)
def test_malloc_setting_valid(environ, expected):
    assert malloc_setting(environ) == expected


@pytest.mark.parametrize("value", ["off", "0", "glibc", "defualt"])
def test_malloc_setting_invalid_named(value):
    with pytest.raises(ValueError, match=f"invalid GRAPHKIT_MALLOC='{value}'") as error:
        malloc_setting({"GRAPHKIT_MALLOC": value})
    assert "Set it to 'default'" in str(error.value)


def test_train_rejects_invalid_malloc(tmp_path, monkeypatch):
    data = Data(
        edge_index=torch.tensor([[0, 1], [1, 0]]),
        num_nodes=2,
        x=torch.ones(2, 2),
        y=torch.tensor([0, 1]),
        train_mask=torch.tensor([True, False]),
        val_mask=torch.tensor([False, True]),
        test_mask=torch.tensor([False, True]),
    )
    write_partitions(data, torch.tensor([0, 0]), 1, tmp_path / "parts")
    monkeypatch.setenv("GRAPHKIT_MALLOC", "off")
    # The console script turns this ValueError into one "graphkit train: error:" line.
    with pytest.raises(ValueError, match="invalid GRAPHKIT_MALLOC='off'"):
        main(["train", "--partitions", str(tmp_path / "parts"), "--epochs", "1"])
