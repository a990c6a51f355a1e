"""Whole-number options above the int64 range end with one argparse error line.

Such values used to reach torch or numpy: --seed 10^20 of graphkit partition
--method random failed with "Overflow when unpacking long long", --nic-bins 10^20
with a traceback, and isvd --hops 10^20 ran until killed.
"""

import pytest
from graphkit.launch.cli import main

HUGE = "100000000000000000000"
RANGE = "Give a whole number from {} to 9223372036854775807, the 64-bit integer range"


@pytest.mark.parametrize(
    ("argv", "option", "minimum"),
    [
        (["partition", "--parts", HUGE, "--out", "OUT"], "--parts", 1),
        (["partition", "--parts", "2", "--split", HUGE, "--out", "OUT"], "--split", 0),
        (["analyze", "--dataset", "synthetic", "--nic-bins", HUGE], "--nic-bins", 1),
        (["analyze", "--dataset", "synthetic", "--nic-hops", HUGE], "--nic-hops", 1),
        (["isvd", "nodeclass", "--dataset", "cora", "--hops", HUGE], "--hops", 0),
        (["isvd", "nodeclass", "--dataset", "cora", "--dropout-copies", HUGE],
         "--dropout-copies", 0),
        (["isvd", "linkpred", "--dataset", "ppi", "--rank", HUGE], "--rank", 0),
        (["kg", "pretrain", "--graph", "G", "--out", "O", "--threads", HUGE],
         "--threads", 1),
    ],
)
def test_option_above_int64_rejected(capsys, argv, option, minimum):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert f"argument {option}: {HUGE} is out of range. " in err
    assert RANGE.format(minimum) in err
    assert len(err.splitlines()) == 1


def test_partition_seed_beyond_torch_range(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["partition", "--parts", "2", "--seed", HUGE, "--out", "OUT"])
    assert caught.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "argument --seed: expected an integer in [-2^63, 2^64)" in err


def test_word_still_invalid_int(capsys):
    with pytest.raises(SystemExit):
        main(["partition", "--parts", "abc", "--out", "OUT"])
    assert "argument --parts: invalid int value: 'abc'" in capsys.readouterr().err
