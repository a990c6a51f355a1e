"""The NaN-loss error of a resumed run names the restored learning rate.

A resumed run keeps the checkpoint's learning rate, so the error names that rate
and suggests a new run, rather than the --lr of this run, which has no effect.
"""

from graphkit.launch import cli

SMALL_GRAPH = ["--dataset-options", "{num_nodes: 60, avg_degree: 4, num_features: 4}"]


def test_resumed_run_names_restored_lr(tmp_path, capsys):
    out = str(tmp_path / "run")
    common = ["train", *SMALL_GRAPH, "--hidden", "4", "--out", out]
    common += ["--checkpoint-every", "1"]
    # A learning rate of 1e30 turns the weights into inf in the first step, so the
    # loss of epoch 2 is NaN and the checkpoint of epoch 1 is the last one written.
    assert cli.run([*common, "--epochs", "3", "--lr", "1e30"]) == 2
    capsys.readouterr()
    code = cli.run([*common, "--epochs", "3", "--lr", "0.01", "--resume", "auto"])
    assert code == 2
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert last_line.startswith(
        "graphkit train: error: the training loss of epoch 2 is nan"
    )
    assert (
        "start a new run with a lower --lr (a resumed run keeps the checkpoint's "
        "learning rate, now 1e+30)"
    ) in last_line
    assert "0.01" not in last_line


def test_scheduled_run_names_its_lr_option(tmp_path, capsys):
    # With a cosine schedule the optimizer's rate at epoch 2 is half of --lr, but the
    # fix is a lower --lr, so the message names the --lr value.
    args = ["train", *SMALL_GRAPH, "--hidden", "4", "--epochs", "2", "--lr", "1e30",
            "--lr-schedule", "cosine"]  # fmt: skip
    assert cli.run(args) == 2
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert last_line.startswith(
        "graphkit train: error: the training loss of epoch 2 is nan"
    )
    assert "lower --lr (now 1e+30)" in last_line
