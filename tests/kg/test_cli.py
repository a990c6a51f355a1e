"""``graphkit kg`` commands end to end on a tiny graph and checkpoint."""

import json

import pytest
import torch
from graphkit.launch.cli import main

from graphkit.kg import Ultra, evaluate, load_dataset, load_graph


@pytest.fixture()
def files(tmp_path):
    graph = tmp_path / "triples.tsv"
    rows = [
        f"city{i}\tcapital_of\tcountry{i}\ncity{i}\tlocated_in\tcountry{i}\n"
        for i in range(4)
    ]
    graph.write_text("".join(rows))
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    Ultra(dim=8, num_layers=2).save(checkpoint)
    root = tmp_path / "data"
    for folder, files_rows in {
        "toy_v1": {"train": rows, "valid": rows[:1]},
        "toy_v1_ind": {"train": rows, "valid": rows[:1], "test": rows[1:2]},
    }.items():
        (root / folder).mkdir(parents=True)
        for name, content in files_rows.items():
            (root / folder / f"{name}.txt").write_text("".join(content))
    return graph, checkpoint, root


def test_cli_predict_prints_names(files, capsys):
    graph, checkpoint, _ = files
    code = main(
        [
            "kg",
            "predict",
            "--checkpoint",
            str(checkpoint),
            "--graph",
            str(graph),
            "--head",
            "city1",
            "--relation",
            "capital_of",
            "-k",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "top 3 answers of (city1, capital_of, ?)" in out
    assert (
        len([line for line in out.splitlines() if "city" in line or "country" in line])
        == 4
    )


def test_cli_predict_unknown_entity_exits_with_message(files):
    graph, checkpoint, _ = files
    with pytest.raises(SystemExit, match="entity 'paris' is not in the graph"):
        main(
            [
                "kg",
                "predict",
                "--checkpoint",
                str(checkpoint),
                "--graph",
                str(graph),
                "--head",
                "paris",
                "--relation",
                "capital_of",
            ]
        )


def test_cli_evaluate_writes_json(files, tmp_path, capsys):
    _, checkpoint, root = files
    out_file = tmp_path / "metrics.json"
    code = main(
        [
            "kg",
            "evaluate",
            "--checkpoint",
            str(checkpoint),
            "--dataset",
            "toy_v1",
            "--root",
            str(root),
            "--json",
            str(out_file),
        ]
    )
    assert code == 0
    metrics = json.loads(out_file.read_text())
    assert metrics["num_ranks"] == 8  # 2 + 2 query triples, each ranked head and tail
    assert 0 < metrics["mrr"] <= 1
    assert "MRR" in capsys.readouterr().out
    # The command must rank the test queries of the inductive graph, as the API does.
    split = load_dataset(root, "toy_v1")
    expected = evaluate(Ultra.from_pretrained(checkpoint), split.test)
    for name in ("mrr", "mr", "hits@1", "hits@3", "hits@10"):
        assert metrics[name] == pytest.approx(expected[name], rel=1e-6), name


def test_cli_finetune_writes_checkpoint(files, tmp_path):
    _, checkpoint, root = files
    out = tmp_path / "run"
    code = main(
        [
            "kg",
            "finetune",
            "--checkpoint",
            str(checkpoint),
            "--dataset",
            "toy_v1",
            "--root",
            str(root),
            "--out",
            str(out),
            "--steps",
            "3",
            "--batch-size",
            "4",
            "--negatives",
            "2",
            "--lr",
            "0.01",
            "--temperature",
            "0.5",
            "--seed",
            "3",
            "--evaluate",
        ]
    )
    assert code == 0
    assert (out / "last.pth").is_file()
    saved = torch.load(out / "last.pth", weights_only=True)
    assert saved["step"] == 3
    settings = saved["train_config"]
    assert settings["steps"] == 3
    assert settings["batch_size"] == 4
    assert settings["num_negatives"] == 2
    assert settings["lr"] == 0.01
    assert settings["adversarial_temperature"] == 0.5
    assert settings["seed"] == 3
    # Three optimiser steps must move the weights away from the start checkpoint.
    start = Ultra.from_pretrained(checkpoint).state_dict()
    tuned = Ultra.from_pretrained(out / "last.pth").state_dict()
    assert sorted(tuned) == sorted(start)
    assert any(not torch.equal(tuned[key], start[key]) for key in start)


def test_cli_evaluate_valid_split(files, tmp_path):
    _, checkpoint, root = files
    out_file = tmp_path / "metrics.json"
    argv = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy_v1"]
    argv += ["--root", str(root), "--split", "valid", "--json", str(out_file)]
    assert main(argv) == 0
    metrics = json.loads(out_file.read_text())
    assert metrics["split"] == "valid"
    assert metrics["num_ranks"] == 4  # the 2 triples of toy_v1/valid.txt, head and tail
    # The API's split.train pairs the training graph with the valid queries, and the
    # CLI ranks the valid queries on that graph too.
    split = load_dataset(root, "toy_v1")
    expected = evaluate(Ultra.from_pretrained(checkpoint), split.train)
    for name in ("mrr", "mr", "hits@1", "hits@3", "hits@10"):
        assert metrics[name] == pytest.approx(expected[name], rel=1e-6), name


def test_cli_evaluate_tie_policy(files, tmp_path):
    # Each city-country pair is its own component. The model gives one score to every
    # entity that it cannot reach from the query entity, so the true tail country2 of
    # (city1, capital_of, ?) ties with the other unreachable entities.
    _, checkpoint, root = files
    (root / "toy_v1_ind" / "test.txt").write_text("city1\tcapital_of\tcountry2\n")
    split = load_dataset(root, "toy_v1")
    model = Ultra.from_pretrained(checkpoint)
    expected = evaluate(model, split.test, ties="optimistic")
    assert expected["mr"] < evaluate(model, split.test)["mr"]
    out_file = tmp_path / "metrics.json"
    argv = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy_v1"]
    argv += ["--root", str(root), "--ties", "optimistic", "--json", str(out_file)]
    assert main(argv) == 0
    metrics = json.loads(out_file.read_text())
    assert metrics["ties"] == "optimistic"
    for name in ("mrr", "mr", "hits@1", "hits@3", "hits@10"):
        assert metrics[name] == pytest.approx(expected[name], rel=1e-6), name


@pytest.mark.parametrize("name", ["", "  "])
def test_cli_blank_dataset_rejected(files, capsys, name):
    # A blank name would make --root itself the dataset folder.
    _, checkpoint, root = files
    argv = ["kg", "evaluate", "--checkpoint", str(checkpoint), "--root", str(root)]
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--dataset", name])
    assert stop.value.code == 2
    assert f"argument --dataset: {name!r} is an empty name." in capsys.readouterr().err


def test_cli_finetune_requires_checkpoint(files, tmp_path, capsys):
    graph, _, _ = files
    argv = ["kg", "finetune", "--graph", str(graph), "--out", str(tmp_path / "run")]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "the following arguments are required: --checkpoint" in (
        capsys.readouterr().err
    )
    assert not (tmp_path / "run").exists()


def test_cli_predict_lines_match_api(files, capsys):
    graph, checkpoint, _ = files
    argv = ["kg", "predict", "--checkpoint", str(checkpoint), "--graph", str(graph)]
    argv += ["--head", "city1", "--relation", "capital_of", "-k", "3"]
    assert main([*argv, "--exclude-known"]) == 0
    lines = capsys.readouterr().out.splitlines()
    answers = Ultra.from_pretrained(checkpoint).predict(
        load_graph(graph), head="city1", relation="capital_of", k=3, exclude_known=True
    )
    # (city1, capital_of, country1) is a fact of the graph, so it is left out.
    assert "country1" not in [name for name, _ in answers]
    assert lines == ["top 3 answers of (city1, capital_of, ?):"] + [
        f"{rank:>4}  {logit:9.4f}  {name}"
        for rank, (name, logit) in zip((1, 2, 3), answers)
    ]


def test_cli_pretrain_same_seed_same_weights(files, tmp_path):
    # Without --checkpoint, --seed sets the initial weights as well as the sampler.
    graph, _, _ = files
    weights = []
    for run_name in ("first", "second"):
        out = tmp_path / run_name
        argv = ["kg", "pretrain", "--graph", str(graph), "--out", str(out)]
        argv += ["--steps", "1", "--batch-size", "2", "--negatives", "2", "--seed", "3"]
        torch.manual_seed(len(weights))  # a different global state before each run
        assert main(argv) == 0
        weights.append(Ultra.from_pretrained(out / "last.pth").state_dict())
    assert sorted(weights[0]) == sorted(weights[1])
    for name, tensor in weights[0].items():
        assert torch.equal(tensor, weights[1][name]), name


def test_cli_list_one_missing_file(files, capsys):
    _, _, root = files
    (root / "toy_v1_ind" / "test.txt").unlink()
    assert main(["kg", "list", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert (
        "GraIL split (toy_v1/ and toy_v1_ind/), incomplete: toy_v1_ind/test.txt is "
        "missing, so --dataset toy_v1 fails until it is added" in out
    )
