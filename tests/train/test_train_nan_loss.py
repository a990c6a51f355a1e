"""A NaN or infinite training loss stops the run and keeps what was written before."""

import json

import pytest
import torch
from test_trainer import two_block_graph
from torch import nn

from graphkit.graph import LocalGraph
from graphkit.launch import cli
from graphkit.nn.models import GNN
from graphkit.option_names import command_line_options
from graphkit.train import TrainConfig, Trainer


class DivergesAt(nn.Module):
    """A GCN whose training forward pass number ``step`` returns logits ``[0, value]``.

    A value of -inf gives an infinite loss on the nodes of class 1, and NaN a NaN loss.
    """

    def __init__(self, step: int, value: float, features: int = 8):
        super().__init__()
        self.gnn = GNN("gcn", features, 8, 2, 2, 0.0)
        self.step, self.value, self.calls = step, value, 0

    def forward(self, x, graph):
        logits = self.gnn(x, graph)
        if self.training:
            self.calls += 1
            if self.calls == self.step:
                return logits * 0 + torch.tensor([0.0, self.value], dtype=logits.dtype)
        return logits


def diverging_trainer(tmp_path, value=float("nan"), step=4, **options):
    data = two_block_graph()
    config = TrainConfig(epochs=6, log_every=100, patience=0, lr=0.5,
                         out=str(tmp_path / "run"), checkpoint_every=1, **options)
    return Trainer(config, data, LocalGraph.from_data(data), DivergesAt(step, value))


@pytest.mark.parametrize("value, shown", [(float("nan"), "nan"), (float("-inf"), "inf")])
def test_nan_loss_names_epoch_and_value(tmp_path, value, shown):
    trainer = diverging_trainer(tmp_path, value)
    with pytest.raises(FloatingPointError) as info:
        trainer.fit()
    message = str(info.value)
    assert message.startswith(f"the training loss of epoch 4 is {shown}, so training "
                              "stopped before updating the weights")
    assert "lower lr (now 0.5)" in message
    assert "check the node features and the model's weights" in message
    # The features are float32, so the message does not suggest float32.
    assert "float32" not in message
    assert info.value.every_rank


def test_nan_loss_keeps_earlier_files(tmp_path):
    trainer = diverging_trainer(tmp_path)
    out = tmp_path / "run"
    with pytest.raises(FloatingPointError):
        trainer.fit()
    assert sorted(p.name for p in out.glob("checkpoint_*.pt")) == [
        f"checkpoint_00000{epoch}.pt" for epoch in (1, 2, 3)
    ]
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2, 3]
    assert all(r["loss"] is not None for r in records)
    # The model keeps epoch 3's weights, because the step of epoch 4 never ran.
    last = torch.load(out / "checkpoint_000003.pt", weights_only=True)
    for name, value in trainer.model.state_dict().items():
        torch.testing.assert_close(value, last["model"][name], rtol=0, atol=0)
    best = torch.load(out / "best_model.pt", weights_only=True)
    assert best["epoch"] == trainer.best["epoch"]
    assert 1 <= best["epoch"] <= 3
    assert best["val"] == max(r[f"val_{r['metric']}"] for r in records)
    at_best = torch.load(out / f"checkpoint_00000{best['epoch']}.pt", weights_only=True)
    assert at_best["best"]["epoch"] == best["epoch"]
    for name, value in best["model"].items():
        torch.testing.assert_close(value, at_best["model"][name], rtol=0, atol=0)


def test_nan_loss_first_epoch_writes_no_best(tmp_path):
    trainer = diverging_trainer(tmp_path, step=1)
    with pytest.raises(FloatingPointError, match="the training loss of epoch 1 is nan"):
        trainer.fit()
    assert not (tmp_path / "run" / "best_model.pt").exists()
    assert not list((tmp_path / "run").glob("checkpoint_*.pt"))


def test_nan_loss_half_precision_suggests_float32(tmp_path):
    data = two_block_graph()
    data.x = data.x.bfloat16()
    model = DivergesAt(2, float("nan")).bfloat16()
    trainer = Trainer(TrainConfig(epochs=3, log_every=100), data,
                      LocalGraph.from_data(data), model)
    with pytest.raises(FloatingPointError) as info:
        trainer.fit()
    assert ("train in float32 rather than bfloat16 (the dtype of the features and "
            "the model)") in str(info.value)


def test_nan_loss_command_line_wording(tmp_path):
    trainer = diverging_trainer(tmp_path)
    with command_line_options(), pytest.raises(FloatingPointError) as info:
        trainer.fit()
    assert "lower --lr (now 0.5)" in str(info.value)
    # The default weight decay times lr is far below 1, so the message omits it.
    assert "--weight-decay" not in str(info.value)


def test_cli_diverging_run_one_error_line(capsys):
    # A learning rate of 1e30 turns the weights into inf in the first step, so the
    # loss of epoch 2 is NaN.
    assert cli.run(["train", "--epochs", "3", "--lr", "1e30"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        "graphkit train: error: the training loss of epoch 2 is nan"
    ), err[-1]
    assert "lower --lr (now 1e+30)" in err[-1]


def test_cli_large_weight_decay_named(capsys):
    # AdamW multiplies each weight by 1 - lr * weight_decay, which is about -3.4e36
    # here, so the weights overflow and the loss of epoch 2 is NaN.
    argv = ["train", "--epochs", "2", "--optimizer", "adamw", "--weight-decay", "3.4e38"]
    assert cli.run(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(
        "graphkit train: error: the training loss of epoch 2 is nan"
    ), err[-1]
    assert "lower --lr (now 0.01) or --weight-decay (now 3.4e+38), and" in err[-1]
