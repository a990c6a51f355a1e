"""A leading ``~`` in an output path means the home folder, not a folder named ``~``.

Paths from a YAML config, quoted ones, and ``--out=~/x`` reach graphkit with the
``~`` unexpanded by the shell.
"""

import json

import pytest

from graphkit.launch.cli import main
from graphkit.train import TrainConfig

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return home


def test_config_expands_home_paths(home):
    config = TrainConfig(out="~/runs/a", partitions="~/parts", resume="~/runs/a/c.pt")
    assert config.out == str(home / "runs" / "a")
    assert config.partitions == str(home / "parts")
    assert config.resume == str(home / "runs" / "a" / "c.pt")
    assert TrainConfig(out="~/runs/a", resume="auto").resume == "auto"


def test_train_yaml_out_in_home(home):
    config = home.parent / "run.yaml"
    config.write_text("epochs: 1\nhidden: 4\nout: ~/runs/a\n")
    assert main(["train", "--config", str(config), *SMALL_GRAPH]) == 0
    assert (home / "runs" / "a" / "metrics.jsonl").is_file()
    assert not (home.parent / "work" / "~").exists()


def test_partition_out_in_home(home):
    assert main(["partition", *SMALL_GRAPH, "--parts", "2", "--out", "~/parts"]) == 0
    assert json.loads((home / "parts" / "meta.json").read_text())["num_parts"] == 2
    assert not (home.parent / "work" / "~").exists()


def test_analyze_outputs_in_home(home):
    edges = home.parent / "edges.txt"
    edges.write_text("0 1\n1 2\n2 0\n")
    labels = home.parent / "labels.txt"
    labels.write_text("0 0\n1 0\n2 1\n")
    code = main(["analyze", "--edge-list", str(edges), "--labels", str(labels),
                 "--json", "~/a.json", "--csv", "~/a.csv"])  # fmt: skip
    assert code == 0
    assert json.loads((home / "a.json").read_text())[0]["num_nodes"] == 3
    assert (home / "a.csv").is_file()
    assert not (home.parent / "work" / "~").exists()
