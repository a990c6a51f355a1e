"""An invalid option that every rank of one machine finds prints from rank 0 only."""

import pytest
from graphkit.launch import cli

from graphkit.launcher import (
    LOCAL_SIZE_PAIRS,
    RANK_VARIABLES,
    SIZE_VARIABLES,
    SLURM_NODES_VARIABLE,
)

# Each case is a list of train options and the error line that rank 0 prints for them.
CASES = [
    (["--epochs", "0"], "graphkit train: error: --epochs must be at least 1, got 0"),
    (
        ["--epochs", "abc"],
        (
            "graphkit train: error: argument --epochs: invalid int value: 'abc'. "
            "See graphkit train --help"
        ),
    ),
    (
        ["--config", "missing.yaml"],
        "graphkit train: error: config file missing.yaml does not exist",
    ),
]
CASE_IDS = ["epochs-0", "epochs-abc", "missing-config"]


@pytest.fixture
def launch(monkeypatch, tmp_path):
    """Return a function that sets the variables of a launch of two ranks."""
    names = {*RANK_VARIABLES, *SIZE_VARIABLES, SLURM_NODES_VARIABLE}
    names.update(name for pair in LOCAL_SIZE_PAIRS for name in pair)
    for name in (*names, "GRAPHKIT_TRACEBACK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)

    def set_rank(rank: int, local_size: int) -> None:
        monkeypatch.setenv("RANK", str(rank))
        monkeypatch.setenv("WORLD_SIZE", "2")
        monkeypatch.setenv("LOCAL_WORLD_SIZE", str(local_size))

    return set_rank


def run_train(options, capsys) -> tuple[int, str]:
    try:
        code = cli.run(["train", *options])
    except SystemExit as error:  # argparse exits with its code instead of returning it
        code = error.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize("options, line", CASES, ids=CASE_IDS)
def test_rank_zero_prints(launch, capsys, options, line):
    launch(rank=0, local_size=2)
    code, err = run_train(options, capsys)
    assert code == 2
    assert err == line + "\n"


@pytest.mark.parametrize("options, line", CASES, ids=CASE_IDS)
def test_rank_one_silent_on_one_machine(launch, capsys, options, line):
    launch(rank=1, local_size=2)
    code, err = run_train(options, capsys)
    assert code == 2
    assert err == ""


@pytest.mark.parametrize("options, line", CASES, ids=CASE_IDS)
def test_rank_one_prints_on_two_machines(launch, capsys, options, line):
    # Each machine's launcher may pass another command line, so each rank prints.
    launch(rank=1, local_size=1)
    code, err = run_train(options, capsys)
    assert code == 2
    assert err == line + "\n"
