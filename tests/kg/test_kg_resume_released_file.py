"""Resuming from a released-style checkpoint names the fix in Python terms."""

import pytest
import torch
from graphkit.kg import KnowledgeGraph, Ultra, finetune


def test_released_file_names_python_fix(tmp_path):
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    model = Ultra(dim=4, num_layers=1)
    # A released checkpoint has weights and an optimizer but no step or generator.
    released = tmp_path / "released.pth"
    torch.save({"model": model.state_dict(), "optimizer": {}}, released)
    with pytest.raises(ValueError) as caught:
        finetune(model, kg, steps=2, resume=released, batch_size=2, num_negatives=2)
    message = str(caught.value)
    assert "keys ['step', 'generator'] are missing" in message
    assert "load it with Ultra.from_pretrained and train without resume" in message
    assert "--checkpoint" not in message
