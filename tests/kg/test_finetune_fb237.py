"""Fine-tuning the released checkpoint does not undo its zero-shot quality."""

import pytest
import torch

from graphkit.kg import Ultra, evaluate, finetune, load_dataset

pytestmark = pytest.mark.realdata


def test_finetune_fb237_v1_keeps_test_mrr(shared_data):
    torch.manual_seed(0)
    split = load_dataset(shared_data / "kg", "fb237_v1")
    model = Ultra.from_pretrained(shared_data / "ultra" / "ultra_3g.pth")
    before = evaluate(model, split.test, batch_size=32)
    losses = finetune(
        model, split.train.graph, steps=30, batch_size=16, num_negatives=256
    )
    after = evaluate(model, split.test, batch_size=32)
    assert all(torch.isfinite(torch.tensor(losses)))
    assert after["mrr"] >= before["mrr"] - 0.01, (before, after)
