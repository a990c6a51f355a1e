"""Multi-label targets [N, T]: binary cross-entropy loss and per-task metrics."""

import json
import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score
from torch import nn
from torch_geometric.data import Data

import graphkit.datasets
from graphkit.datasets.synthetic import synthetic_csbm
from graphkit.graph import LocalGraph
from graphkit.launch.cli import main
from graphkit.train import TrainConfig, Trainer, metrics
from graphkit.train.multilabel_metrics import multi_label_roc_auc

# Six nodes and three tasks: nodes 0-2 train, 3-4 validate, 5 tests. -1 is unlabelled.
# Task 2 has only positives among the labelled training nodes, so its training
# ROC-AUC is undefined and left out of the mean.
LABELS = torch.tensor(
    [
        [1, 0, 1],
        [0, -1, 1],
        [1, 1, -1],
        [0, 1, 0],
        [1, 0, 1],
        [0, 1, 1],
    ]
)
LOGITS = torch.tensor(
    [
        [2.0, -1.0, 0.5],
        [-0.5, 3.0, 0.0],
        [1.0, -2.0, -2.0],
        [0.0, 0.5, 1.5],
        [1.5, -0.5, 0.5],
        [-1.0, 2.0, 1.0],
    ]
)
SPLIT_NODES = {"train": [0, 1, 2], "val": [3, 4], "test": [5]}


class FixedLogits(nn.Module):
    """A model whose output is its one parameter, so the logits are known."""

    def __init__(self, logits: torch.Tensor) -> None:
        super().__init__()
        self.logits = nn.Parameter(logits.clone())

    def forward(self, x, graph):
        return self.logits * 1.0


def tiny_data(y: torch.Tensor) -> Data:
    n = y.size(0)
    masks = {}
    for split, nodes in SPLIT_NODES.items():
        masks[f"{split}_mask"] = torch.zeros(n, dtype=torch.bool)
        masks[f"{split}_mask"][nodes] = True
    edge_index = torch.stack([torch.arange(n), (torch.arange(n) + 1) % n])
    return Data(x=torch.ones(n, 1), y=y, edge_index=edge_index, num_nodes=n, **masks)


def fixed_trainer(y: torch.Tensor, data: Data | None = None, **options) -> Trainer:
    data = tiny_data(y) if data is None else data
    config = TrainConfig(epochs=1, patience=0, weight_decay=0.0, **options)
    return Trainer(config, data, LocalGraph.from_data(data), FixedLogits(LOGITS))


def reference_loss(nodes: list[int]) -> torch.Tensor:
    """Sum of BCE over the labelled entries of ``nodes``, divided by the node count."""
    logits, labels = LOGITS[nodes], LABELS[nodes]
    labelled = labels >= 0
    total = F.binary_cross_entropy_with_logits(
        logits[labelled], labels[labelled].float(), reduction="sum"
    )
    return total / len(nodes)


def sklearn_mean_auc(nodes: list[int], logits: torch.Tensor = LOGITS) -> float:
    aucs = []
    for task in range(LABELS.size(1)):
        labels = LABELS[nodes, task]
        labelled = labels >= 0
        truth = labels[labelled].numpy()
        if len(np.unique(truth)) == 2:
            aucs.append(roc_auc_score(truth, logits[nodes, task][labelled].numpy()))
    return float(np.mean(aucs)) if aucs else math.nan


def test_loss_at_zero_logits_is_ln2_per_entry():
    trainer = fixed_trainer(LABELS)
    trainer.model.logits.data.zero_()
    # Training nodes 0, 1, 2 have 3 + 2 + 2 = 7 labelled entries.
    assert trainer.train_step() == pytest.approx(7 * math.log(2) / 3, abs=1e-6)


def test_loss_and_gradient_match_torch_bce():
    trainer = fixed_trainer(LABELS)
    assert trainer.train_step() == pytest.approx(float(reference_loss([0, 1, 2])), abs=1e-6)
    logits = LOGITS.clone().requires_grad_(True)
    train = [0, 1, 2]
    labelled = LABELS[train] >= 0
    loss = F.binary_cross_entropy_with_logits(
        logits[train][labelled], LABELS[train][labelled].float(), reduction="sum"
    ) / len(train)
    loss.backward()
    torch.testing.assert_close(trainer.model.logits.grad, logits.grad)


def test_val_loss_is_mean_over_val_nodes():
    trainer = fixed_trainer(LABELS)
    scores = trainer.evaluate()
    assert scores["val_loss"] == pytest.approx(float(reference_loss([3, 4])), abs=1e-6)


def test_metrics_line_has_val_loss_and_scores(tmp_path):
    # The record of the only epoch contains what evaluate() returns for its final weights.
    trainer = fixed_trainer(LABELS, out=str(tmp_path))
    trainer.fit()
    scores = trainer.evaluate()
    record = json.loads((tmp_path / "metrics.jsonl").read_text())
    assert record["val_loss"] == scores["val_loss"]
    assert record["val_roc_auc"] == scores["val"]
    assert record["train_roc_auc"] == scores["train"]
    assert record["val_loss"] != record["val_roc_auc"]


def test_roc_auc_matches_sklearn_per_split():
    trainer = fixed_trainer(LABELS)
    assert trainer.metric_name == "roc_auc"
    scores = trainer.evaluate()
    # Hand values on the training nodes: task 0 ranks its positives (2.0, 1.0) above
    # its negative (-0.5), AUC 1. Task 1 ranks its positive (-2.0) below its negative
    # (-1.0), AUC 0. Task 2 has only positives. The mean is 0.5.
    assert scores["train"] == pytest.approx(0.5)
    for split, nodes in SPLIT_NODES.items():
        want = sklearn_mean_auc(nodes)
        if math.isnan(want):
            assert math.isnan(scores[split]), split
        else:
            assert scores[split] == pytest.approx(want, abs=1e-12), split


def test_roc_auc_counts_tied_logits_half():
    trainer = fixed_trainer(LABELS)
    trainer.model.logits.data[3:5] = 0.25  # both validation nodes tie on every task
    scores = trainer.evaluate()
    assert scores["val"] == pytest.approx(0.5)
    assert scores["val"] == pytest.approx(sklearn_mean_auc([3, 4], trainer.model.logits.data))


def test_nan_labels_match_minus_one():
    float_labels = LABELS.double()
    float_labels[LABELS < 0] = float("nan")
    with_nan = fixed_trainer(float_labels)
    with_minus_one = fixed_trainer(LABELS)
    assert with_nan.train_step() == with_minus_one.train_step()
    exact = pytest.approx(with_minus_one.evaluate(), abs=0, rel=0, nan_ok=True)
    assert with_nan.evaluate() == exact


def test_accuracy_is_mean_of_task_accuracies():
    trainer = fixed_trainer(LABELS, metric="accuracy")
    scores = trainer.evaluate()
    # A node is predicted positive where its logit is above 0. On the training nodes
    # task 0 gets 3 of 3 right, task 1 gets node 0 right and node 2 wrong, and task 2
    # gets node 0 right and node 1 (logit 0.0) wrong.
    assert scores["train"] == pytest.approx((1 + 0.5 + 0.5) / 3)
    for split, nodes in SPLIT_NODES.items():
        labels, predicted = LABELS[nodes], (LOGITS[nodes] > 0).long()
        per_task = [
            float((predicted[labels[:, t] >= 0, t] == labels[labels[:, t] >= 0, t]).float().mean())
            for t in range(3)
            if bool((labels[:, t] >= 0).any())
        ]
        assert scores[split] == pytest.approx(float(np.mean(per_task))), split


def test_model_output_width_is_task_count():
    data = tiny_data(LABELS)
    config = TrainConfig(epochs=1, hidden=4, patience=0)
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    assert trainer.num_classes == 3
    assert trainer.model(data.x, trainer.graph).shape == (6, 3)


def test_histogram_auc_matches_binned_single_label(monkeypatch):
    # Above 2 * AUC_BINS labelled nodes a task's ROC-AUC comes from histograms.
    # Per task it must equal the single-label histogram of logits [0, z], whose
    # softmax probability of class 1 is sigmoid(z).
    monkeypatch.setattr(metrics, "AUC_BINS", 4)
    generator = torch.Generator().manual_seed(0)
    n = 40
    logits = torch.randn(n, 3, generator=generator, dtype=torch.float64) * 2
    targets = torch.randint(0, 2, (n, 3), generator=generator, dtype=torch.int8)
    targets[:12, 1] = -1  # 28 labelled nodes: above 2 * 4, still binned
    mask = torch.ones(n, dtype=torch.bool)
    graph = LocalGraph(torch.empty(2, 0, dtype=torch.long), n)
    want = []
    for task in range(3):
        labelled = targets[:, task] >= 0
        pair = torch.stack([torch.zeros(n, dtype=torch.float64), logits[:, task]], 1)
        want.append(metrics.roc_auc(pair, targets[:, task].long(), labelled, graph))
    got = multi_label_roc_auc(logits, targets, mask, graph)
    assert got == pytest.approx(float(np.mean(want)), abs=1e-12)


def test_values_other_than_binary_rejected():
    labels = LABELS.clone()
    labels[4, 1] = 2
    with pytest.raises(ValueError, match=r"node 4 has the value 2 for task 1"):
        fixed_trainer(labels)


def test_negative_values_besides_minus_one_rejected():
    # Only -1 marks an unlabelled entry, and -2 would otherwise train as a negative.
    labels = LABELS.clone()
    labels[4, 1] = -2
    with pytest.raises(ValueError, match=r"node 4 has the value -2 for task 1"):
        fixed_trainer(labels)


def test_values_outside_splits_ignored():
    data = tiny_data(LABELS.clone())
    data.y[5, 0] = 7
    data.test_mask[5] = False
    trainer = fixed_trainer(LABELS, data)
    assert trainer.train_step() == pytest.approx(float(reference_loss([0, 1, 2])), abs=1e-6)


def test_val_without_both_classes_rejected():
    labels = LABELS.clone()
    labels[3:5] = 1
    with pytest.raises(ValueError, match="none of its 3 tasks has both a positive"):
        fixed_trainer(labels)


def test_val_all_unlabelled_rejected_for_accuracy():
    labels = LABELS.clone()
    labels[3:5] = -1
    message = "metric accuracy .* none of its 3 tasks has a labelled node"
    with pytest.raises(ValueError, match=message):
        fixed_trainer(labels, metric="accuracy")


def four_task_graph() -> Data:
    """A 600-node CSBM graph of 4 classes with four tasks, each a function of the class.

    The tasks are: class 0, classes 0 and 1, an odd class, class 3.
    """
    data = synthetic_csbm(num_nodes=600, num_classes=4, num_features=16, seed=1)
    c = data.y
    data.y = torch.stack([c == 0, c <= 1, c % 2 == 1, c == 3], 1).long()
    return data


def test_synthetic_tasks_train_above_chance():
    data = four_task_graph()
    options = {"epochs": 40, "hidden": 16, "patience": 0, "model": "sage", "lr": 0.02}
    summary = Trainer(TrainConfig(**options), data, LocalGraph.from_data(data)).fit()
    assert summary["metric"] == "roc_auc"
    assert summary["test"] > 0.9  # chance is 0.5
    config = TrainConfig(metric="accuracy", **options)
    summary = Trainer(config, data, LocalGraph.from_data(data)).fit()
    # Always predicting each task's majority class scores (0.75 + 0.5 + 0.5 + 0.75) / 4.
    assert summary["test"] > 0.8


def test_cli_trains_and_resumes_multi_label(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(graphkit.datasets, "load_dataset", lambda *a, **k: four_task_graph())
    out = tmp_path / "run"
    common = ["train", "--model", "sage", "--hidden", "16", "--out", str(out)]
    assert main([*common, "--epochs", "4", "--checkpoint-every", "2"]) == 0
    found = re.search(r"test roc_auc: ([0-9.]+)", capsys.readouterr().out)
    assert found
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2, 3, 4]
    assert records[0]["metric"] == "roc_auc"
    assert 0.0 <= records[-1]["test_roc_auc"] <= 1.0

    assert main([*common, "--epochs", "6", "--resume", "auto"]) == 0
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in records] == [1, 2, 3, 4, 5, 6]

    data = four_task_graph()
    config = TrainConfig(model="sage", hidden=16)
    trainer = Trainer(config, data, LocalGraph.from_data(data))
    trainer.load_best(out)
    best = torch.load(out / "best_model.pt", weights_only=False)
    assert best["metric"] == "roc_auc"
    for name, value in trainer.model.state_dict().items():
        assert torch.equal(value, best["model"][name]), name
