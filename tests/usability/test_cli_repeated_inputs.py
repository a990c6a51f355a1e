"""A repeated --graph or --dataset is rejected at parse time, naming the value.

Each option is documented as repeatable for several inputs. A value given twice
would be loaded and trained on, evaluated or analysed twice.
"""

import pytest
from graphkit.launch.cli import main


def _error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    return capsys.readouterr().err


def test_kg_finetune_repeated_graph(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    out = str(tmp_path / "run")
    argv = ["kg", "finetune", "--checkpoint", "model.pth", "--out", out]
    # The same file spelled two ways is one value.
    absolute = tmp_path / "triples.tsv"
    err = _error([*argv, "--graph", "triples.tsv", "--graph", str(absolute)], capsys)
    assert err.startswith(
        f"graphkit kg finetune: error: --graph {absolute} is given twice (first as "
        "triples.tsv). Give each value once"
    )
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["kg", "pretrain", "--out", "run"],
        ["kg", "finetune", "--checkpoint", "model.pth", "--out", "run"],
    ],
)
def test_kg_training_repeated_dataset(argv, capsys):
    err = _error([*argv, "--dataset", "fb237_v1", "--dataset", "fb237_v1"], capsys)
    assert f"graphkit kg {argv[1]}: error: --dataset fb237_v1 is given twice." in err


def test_analyze_repeated_dataset(capsys):
    err = _error(["analyze", "--dataset", "cora", "--dataset", "cora"], capsys)
    assert err.startswith(
        "graphkit analyze: error: --dataset cora is given twice. Give each value once"
    )


def test_analyze_distinct_datasets_kept_in_order():
    from graphkit.launch.cli import build_parser

    args = build_parser().parse_args(
        ["analyze", "--dataset", "cora", "--dataset", "citeseer"]
    )
    assert args.dataset == ["cora", "citeseer"]
    args = build_parser().parse_args(["analyze"])
    assert args.dataset == []
