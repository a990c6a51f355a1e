"""Training stops at a non-finite loss before the optimizer changes the weights."""

import pytest
import torch

from graphkit.kg import KnowledgeGraph, Ultra, finetune

# Weights of 3e38, near the float32 maximum, overflow to inf in the forward pass and
# give a NaN loss. NaN weights cannot be used, because the CLI test loads its
# checkpoint with from_pretrained, which rejects them.
HUGE_WEIGHT = 3e38


def test_overflowing_weight_stops_training():
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    with torch.no_grad():
        model.entity_model.mlp[0].weight.fill_(HUGE_WEIGHT)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(
        FloatingPointError, match="the loss of step 1 on graph 0 is nan"
    ):
        finetune(model, kg, steps=3, batch_size=2, num_negatives=2)
    for key, value in model.state_dict().items():
        assert torch.allclose(value, before[key], equal_nan=True), key


def test_nan_loss_keeps_eval_mode():
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1).eval()
    with torch.no_grad():
        model.entity_model.mlp[0].weight.fill_(HUGE_WEIGHT)
    with pytest.raises(FloatingPointError):
        finetune(model, kg, steps=3, batch_size=2, num_negatives=2)
    assert model.training is False


def test_cli_reports_nan_loss(tmp_path):
    from graphkit.launch.cli import main

    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\nb\tr\tc\n")
    model = Ultra(dim=4, num_layers=1)
    with torch.no_grad():
        model.entity_model.mlp[0].weight.fill_(HUGE_WEIGHT)
    model.save(tmp_path / "nan.pth")
    argv = ["kg", "finetune", "--checkpoint", str(tmp_path / "nan.pth")]
    argv += ["--graph", str(graph), "--out", str(tmp_path / "run"), "--steps", "2"]
    argv += ["--batch-size", "2", "--negatives", "2"]
    with pytest.raises(SystemExit, match="finetune stopped: the loss of step 1"):
        main(argv)


def test_float16_overflow_names_precision():
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    with torch.no_grad():
        # 2e4 is finite in float16, but the forward pass exceeds 65504.
        model.entity_model.mlp[0].weight.fill_(2e4)
    model = model.half()
    with pytest.raises(FloatingPointError, match="float16, whose largest value is 65504"):
        finetune(model, kg, steps=3, batch_size=2, num_negatives=2)


def test_nan_weight_named_in_loss_error():
    kg = KnowledgeGraph.from_named_triples([("a", "r", "b"), ("b", "r", "c")])
    torch.manual_seed(0)
    model = Ultra(dim=4, num_layers=1)
    with torch.no_grad():
        model.entity_model.mlp[0].weight[0, 0] = float("nan")
    with pytest.raises(
        FloatingPointError, match=r"The weight entity_model\.mlp\.0\.weight contains NaN"
    ):
        finetune(model, kg, steps=3, batch_size=2, num_negatives=2)
