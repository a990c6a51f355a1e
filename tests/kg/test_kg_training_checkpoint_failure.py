"""A training checkpoint that fails to save leaves no partial file behind."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, finetune
from graphkit.kg import train as train_module


def test_failed_checkpoint_leaves_no_part_file(tmp_path, monkeypatch):
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)

    def broken_save(obj, target):
        with open(target, "wb") as handle:
            handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(train_module.torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        finetune(
            model,
            kg,
            steps=1,
            batch_size=2,
            num_negatives=2,
            checkpoint_dir=str(tmp_path),
        )
    assert list(tmp_path.iterdir()) == []
