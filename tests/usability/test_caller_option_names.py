"""Errors name a setting as its caller wrote it.

A Python caller sees the field name, and a command-line user sees the flag.
"""

import subprocess
import sys

import pytest
import torch
from graphkit.launch.cli import main
from graphkit.launch.cmd_train import load_local

from graphkit.kg import Ultra, pretrain
from graphkit.kg.io import load_graph
from graphkit.option_names import (
    command_line_options,
    from_command_line,
    option,
    options_from_file,
)
from graphkit.train.checkpoint import CheckpointReadError, load_checkpoint
from graphkit.train.config import TrainConfig
from graphkit.train.trainer import Trainer

FACTS = "a\tr\tb\nb\tr\tc\nc\ts\ta\n"


def test_option_outside_command_line():
    assert not from_command_line()
    assert option("batch_size") == "batch_size"
    assert option("resume", "auto") == "resume='auto'"


def test_option_inside_command_line():
    with command_line_options({"num_negatives": "--negatives"}):
        assert option("batch_size") == "--batch-size"
        assert option("resume", "auto") == "--resume auto"
        assert option("num_negatives") == "--negatives"
        with command_line_options({"k": "--top-k"}):
            assert option("k") == "--top-k"
            assert option("num_negatives") == "--negatives"
        assert option("k") == "--k"
    assert option("batch_size") == "batch_size"


def test_main_restores_python_wording(tmp_path):
    with pytest.raises(ValueError, match="^--checkpoint-every needs --out"):
        main(["train", "--checkpoint-every", "5", "--epochs", "1"])
    with pytest.raises(ValueError, match="^checkpoint_every needs out, the folder"):
        TrainConfig(checkpoint_every=5)


def test_train_config_flags_from_cli():
    with pytest.raises(ValueError) as caught:
        main(["train", "--resume", "auto", "--epochs", "1"])
    assert str(caught.value) == (
        "--resume auto needs --out, the folder whose newest checkpoint it loads. "
        "Pass --out DIR, or a checkpoint file to --resume"
    )


def test_train_config_fields_from_python():
    with pytest.raises(ValueError) as caught:
        TrainConfig(resume="auto")
    assert str(caught.value) == (
        "resume='auto' needs out, the folder whose newest checkpoint it loads. "
        "Pass out='DIR', or a checkpoint file to resume"
    )


def test_underscore_field_as_cli_flag():
    with pytest.raises(ValueError, match=r"^--attention-dropout must lie in \[0, 1\)"):
        main(["train", "--attention-dropout", "1.5", "--epochs", "1"])


def _unreadable_checkpoint(tmp_path):
    path = tmp_path / "notes.pt"
    path.write_text("hello\n")
    return path


def test_checkpoint_read_error_from_python(tmp_path):
    with pytest.raises(CheckpointReadError) as caught:
        load_checkpoint(_unreadable_checkpoint(tmp_path))
    assert str(caught.value).endswith(
        "Pass another checkpoint file, or resume='auto' to use the newest readable "
        "one in the out folder"
    )


def test_checkpoint_read_error_from_cli(tmp_path):
    path = _unreadable_checkpoint(tmp_path)
    with pytest.raises(CheckpointReadError) as caught:
        main(["train", "--resume", str(path), "--epochs", "1"])
    assert str(caught.value).endswith(
        "Pass another checkpoint file, or --resume auto to use the newest readable "
        "one in the --out folder"
    )


def _kg_argv(tmp_path, *extra):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    return [
        "kg", "pretrain", "--graph", str(graph), "--out", str(tmp_path / "run"),
        "--steps", "1", "--batch-size", "2", "--negatives", "2", "--threads", "1",
        *extra,
    ]  # fmt: skip


def _kg_python(tmp_path, **settings):
    graph = tmp_path / "triples.tsv"
    graph.write_text(FACTS)
    options = {"steps": 1, "batch_size": 2, "num_negatives": 2, **settings}
    pretrain(Ultra(), [load_graph(graph)], **options)


@pytest.mark.parametrize(
    "flags, settings, cli_message, python_message",
    [
        (
            ["--batch-size", "1"],
            {"batch_size": 1},
            "--batch-size must be at least 2 (one tail and one head query), got 1",
            "batch_size must be at least 2 (one tail and one head query), got 1",
        ),
        (
            ["--negatives", "0"],
            {"num_negatives": 0},
            "--negatives must be at least 1, got 0",
            "num_negatives must be at least 1, got 0",
        ),
        (
            ["--temperature", "nan"],
            {"adversarial_temperature": float("nan")},
            "--temperature must be a finite number, got nan",
            "adversarial_temperature must be a finite number, got nan",
        ),
        (
            ["--checkpoint-every", "-1"],
            {"checkpoint_every": -1},
            (
                "need --lr > 0, --temperature >= 0 and --checkpoint-every >= 0; got "
                "--lr 0.0005, --temperature 1.0, --checkpoint-every -1"
            ),
            (
                "need lr > 0, adversarial_temperature >= 0 and checkpoint_every >= 0; "
                "got lr=0.0005, adversarial_temperature=1.0, checkpoint_every=-1"
            ),
        ),
    ],
)
def test_kg_training_settings_both_wordings(
    tmp_path, flags, settings, cli_message, python_message
):
    with pytest.raises(ValueError) as from_cli:
        main(_kg_argv(tmp_path, *flags))
    assert str(from_cli.value).startswith(cli_message)
    with pytest.raises(ValueError) as from_python:
        _kg_python(tmp_path, **settings)
    assert str(from_python.value).startswith(python_message)


def test_kg_resume_past_steps_both_wordings(tmp_path):
    assert main(_kg_argv(tmp_path, "--steps", "2")) == 0
    last = tmp_path / "run" / "last.pth"
    with pytest.raises(ValueError) as from_cli:
        main(_kg_argv(tmp_path, "--steps", "2", "--resume", str(last)))
    assert str(from_cli.value) == (
        f"{last} is at step 2, but --steps 2. Pass a larger --steps value to train "
        "further"
    )
    with pytest.raises(ValueError) as from_python:
        _kg_python(tmp_path, steps=2, resume=last)
    assert str(from_python.value) == (
        f"{last} is at step 2, but steps=2. Pass a larger steps value to train further"
    )


def test_kg_resume_foreign_file_both_wordings(tmp_path):
    # A released model's file: the weights only, without the optimizer and step.
    weights = tmp_path / "weights.pth"
    torch.save(Ultra().state_dict(), weights)
    with pytest.raises(ValueError) as from_cli:
        main(_kg_argv(tmp_path, "--resume", str(weights)))
    assert str(from_cli.value).endswith(
        "To start from a released model instead, pass it as --checkpoint and leave "
        "out --resume"
    )
    with pytest.raises(ValueError) as from_python:
        _kg_python(tmp_path, resume=weights)
    assert str(from_python.value).endswith(
        "To start from a released model instead, load it with Ultra.from_pretrained "
        "and train without resume"
    )


def test_kg_flag_from_console_script(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "graphkit.launch",
            *_kg_argv(tmp_path, "--negatives", "0"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    expected = "graphkit kg pretrain: error: --negatives must be at least 1, got 0"
    assert expected in result.stderr
    assert "num_negatives" not in result.stderr


def test_kg_header_warning_names_flag(tmp_path, capsys):
    graph = tmp_path / "triples.csv"
    graph.write_text("head,relation,tail\n" + FACTS.replace("\t", ","))
    argv = _kg_argv(tmp_path)
    argv[argv.index("--graph") + 1] = str(graph)
    # The command line logs to stderr through its own handler, not through caplog's.
    assert main(argv) == 0
    lines = [
        line for line in capsys.readouterr().err.splitlines() if "column header" in line
    ]
    assert len(lines) == 1
    assert lines[0].endswith("Pass --header to skip it")


def _edge_list_without_features(tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 2\n2 3\n3 0\n")
    labels = tmp_path / "labels.txt"
    labels.write_text("0 0\n1 1\n2 0\n3 1\n")
    return edges, labels


def test_missing_features_hint_from_cli(tmp_path):
    edges, labels = _edge_list_without_features(tmp_path)
    options = f"{{labels: {labels}}}"
    with pytest.raises(ValueError) as caught:
        main(
            [
                "train",
                "--dataset",
                str(edges),
                "--dataset-options",
                options,
                "--epochs",
                "1",
            ]
        )
    assert "For an edge list pass --dataset-options '{features: FILE}'" in str(
        caught.value
    )


def test_missing_features_hint_from_python(tmp_path):
    edges, labels = _edge_list_without_features(tmp_path)
    config = TrainConfig(
        dataset=str(edges), dataset_options={"labels": str(labels)}, epochs=1
    )
    graph, data = load_local(config)
    with pytest.raises(ValueError) as caught:
        Trainer(config, data, graph)
    message = str(caught.value)
    assert (
        "For an edge list pass TrainConfig(dataset_options={'features': FILE})"
        in message
    )
    assert "--dataset-options" not in message


def test_yaml_setting_named_as_file_key(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("epochs: 0\n")
    with pytest.raises(ValueError) as from_cli:
        main(["train", "--config", str(path)])
    assert str(from_cli.value) == f"epochs in {path} must be at least 1, got 0"
    with pytest.raises(ValueError) as from_python:
        TrainConfig.from_yaml(path)
    assert str(from_python.value) == f"epochs in {path} must be at least 1, got 0"


def test_flag_over_yaml_named_as_flag(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("epochs: 5\n")
    with pytest.raises(ValueError) as caught:
        main(["train", "--config", str(path), "--epochs", "0"])
    assert str(caught.value) == "--epochs must be at least 1, got 0"


def test_yaml_key_needs_flag(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("checkpoint_every: 5\n")
    with pytest.raises(ValueError) as from_cli:
        main(["train", "--config", str(path)])
    assert str(from_cli.value).startswith(f"checkpoint_every in {path} needs --out,")
    with pytest.raises(ValueError) as from_python:
        TrainConfig.from_yaml(path)
    assert str(from_python.value).startswith(f"checkpoint_every in {path} needs out,")


def test_file_setting_with_value_named_as_key(tmp_path):
    with options_from_file(str(tmp_path / "run.yaml"), ["resume"]):
        assert option("resume", "auto") == f"resume: auto in {tmp_path / 'run.yaml'}"
        assert option("epochs", 3) == "epochs=3"
