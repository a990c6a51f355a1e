"""``graphkit kg predict --header`` skips a CSV column header instead of loading it."""

import torch
from graphkit.launch.cli import main

from graphkit.kg import Ultra


def run_predict(tmp_path, capsys, *extra):
    graph = tmp_path / "triples.csv"
    graph.write_text("head,relation,tail\nParis,capital_of,France\nLyon,in,France\n")
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=4, num_layers=1).save(checkpoint)
    argv = ["kg", "predict", "--checkpoint", str(checkpoint), "--graph", str(graph)]
    code = main(argv + ["--head", "Paris", "--relation", "capital_of", *extra])
    return code, capsys.readouterr().out


def test_header_row_skipped(tmp_path, capsys):
    code, out = run_predict(tmp_path, capsys, "--header", "-k", "10")
    assert code == 0
    assert "top 3 answers" in out
    assert "head" not in out.split("answers of", 1)[1]


def test_header_row_loads_as_fact_without_flag(tmp_path, capsys):
    code, out = run_predict(tmp_path, capsys, "-k", "10")
    assert code == 0
    assert "top 5 answers" in out  # head and tail became entities
