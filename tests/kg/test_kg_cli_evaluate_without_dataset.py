"""``graphkit kg finetune --evaluate`` needs a --dataset whose test split it ranks."""

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.kg import Ultra


def test_evaluate_with_graph_only_rejected(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\nb\tr\tc\n")
    checkpoint = tmp_path / "model.pth"
    torch.manual_seed(0)
    Ultra(dim=8, num_layers=1).save(checkpoint)
    out = tmp_path / "run"
    argv = ["kg", "finetune", "--checkpoint", str(checkpoint), "--graph", str(graph)]
    argv += ["--out", str(out), "--steps", "1", "--negatives", "2", "--evaluate"]
    with pytest.raises(
        SystemExit,
        match="--evaluate ranks the test queries of each --dataset, but none is given",
    ):
        main(argv)
    # The check runs before training, so no checkpoint and no --out folder remain.
    assert not out.exists()
