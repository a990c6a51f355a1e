"""A YAML config or option mapping that names one key twice is rejected with both lines."""

import pytest

from graphkit.train.config import TrainConfig, load_yaml


def test_duplicate_config_key_rejected(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("epochs: 1\nlr: 0.01\nepochs: 2\n")
    with pytest.raises(
        ValueError, match=r"found the key 'epochs' twice \(lines 1 and 3\)"
    ):
        TrainConfig.from_yaml(path)


def test_duplicate_nested_key_rejected():
    with pytest.raises(Exception, match="found the key 'num_nodes' twice"):
        load_yaml("dataset_options:\n  num_nodes: 10\n  num_nodes: 20\n")


def test_distinct_keys_and_merge_accepted():
    assert load_yaml("a: 1\nb: 2\n") == {"a": 1, "b": 2}
    # A merge key supplies defaults that explicit keys override, which is not a repeat.
    text = "base: &base {x: 1, y: 2}\nrun:\n  <<: *base\n  y: 3\n"
    assert load_yaml(text)["run"] == {"x": 1, "y": 3}
    assert load_yaml("lr: 1e-3")["lr"] == 0.001


@pytest.mark.parametrize("command", ["train", "partition"])
def test_duplicate_option_key_named(command, tmp_path, capsys):
    from graphkit.launch.cli import run

    options = ["--dataset-options", "{num_nodes: 200, num_nodes: 300}"]
    extra = (
        ["--parts", "2", "--out", str(tmp_path / "parts")]
        if command == "partition"
        else []
    )
    # argparse reports a rejected option value by exiting with status 2.
    with pytest.raises(SystemExit) as exit_info:
        run([command, *options, *extra])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "found the key 'num_nodes' twice; keep one of them" in error
    assert not (tmp_path / "parts").exists()
