"""Resuming into a model of another size raises a ValueError naming the file."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, finetune


def test_resume_into_smaller_model(tmp_path):
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    settings = {"batch_size": 2, "num_negatives": 2}
    torch.manual_seed(0)
    finetune(
        Ultra(dim=8, num_layers=1),
        kg,
        steps=2,
        checkpoint_dir=str(tmp_path),
        **settings,
    )
    smaller = Ultra(dim=4, num_layers=1)
    before = {k: v.clone() for k, v in smaller.state_dict().items()}
    with pytest.raises(ValueError, match=r"last\.pth: the saved weights do not fit"):
        finetune(smaller, kg, steps=4, resume=tmp_path / "last.pth", **settings)
    for key, value in smaller.state_dict().items():
        assert torch.equal(value, before[key]), key
