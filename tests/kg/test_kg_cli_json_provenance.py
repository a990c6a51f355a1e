"""The JSON file of kg evaluate names the checkpoint and the settings behind it."""

import json

import torch
from graphkit.launch.cli import main

from graphkit.kg import Ultra

ROWS = "".join(f"c{i}\tcapital_of\tn{i}\nc{i}\tin\tn{i}\n" for i in range(3))


def test_evaluate_json_names_checkpoint(tmp_path):
    for folder in ("toy", "toy_ind"):
        (tmp_path / "kg" / folder).mkdir(parents=True)
        for part in ("train", "valid", "test"):
            (tmp_path / "kg" / folder / f"{part}.txt").write_text(ROWS)
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=1).save(checkpoint)
    out = tmp_path / "metrics.json"
    arguments = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy"]
    arguments += ["--root", str(tmp_path / "kg"), "--json", str(out)]
    arguments += ["--aggregation", "plain", "--batch-size", "3"]
    assert main(arguments) == 0
    saved = json.loads(out.read_text())
    assert saved["checkpoint"] == str(checkpoint)
    assert saved["aggregation"] == "plain"
    assert saved["batch_size"] == 3
    assert saved["num_ranks"] == 24
