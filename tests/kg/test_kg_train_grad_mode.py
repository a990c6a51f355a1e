"""KG pretrain under torch.no_grad() or torch.inference_mode() raises a clear error."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, pretrain


@pytest.mark.parametrize(
    "block, name",
    [(torch.no_grad, "torch.no_grad()"), (torch.inference_mode, "torch.inference_mode()")],
)
def test_pretrain_without_grad_rejected(tmp_path, block, name):
    torch.manual_seed(0)
    model = Ultra(dim=8, num_layers=2)
    graph = KnowledgeGraph.from_named_triples([("a", "p", "b"), ("b", "q", "c")])
    before = [p.clone() for p in model.parameters()]
    with block(), pytest.raises(RuntimeError) as caught:
        pretrain(model, [graph], steps=2, batch_size=2, num_negatives=2,
                 checkpoint_dir=str(tmp_path / "run"))  # fmt: skip
    assert str(caught.value) == (
        f"training was called under {name}, where no gradient can be computed. "
        "Call pretrain or finetune outside that block"
    )
    assert not (tmp_path / "run").exists()
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
