"""``graphkit isvd --seed`` values outside torch's 64-bit seed range."""

from __future__ import annotations

import argparse

import pytest
from graphkit.launch import cmd_isvd


def parse(task: str, seed: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["isvd", task, "--dataset", "cora", "--seed", seed])


@pytest.mark.parametrize("task", ["linkpred", "nodeclass"])
@pytest.mark.parametrize("seed", [str(2**64), str(-(2**63) - 1)])
def test_seed_out_of_range_rejected(task, seed, capsys):
    # torch.Generator.manual_seed raises "Overflow when unpacking long long", which
    # would come only after the data has loaded.
    with pytest.raises(SystemExit) as stop:
        parse(task, seed)
    assert stop.value.code == 2
    assert "the range of a torch seed" in capsys.readouterr().err


def test_seed_not_an_integer_rejected(capsys):
    with pytest.raises(SystemExit) as stop:
        parse("linkpred", "1.5")
    assert stop.value.code == 2
    assert "argument --seed: expected an integer, got '1.5'" in capsys.readouterr().err


@pytest.mark.parametrize("seed", ["-1", "0", str(2**64 - 1)])
def test_seed_in_range_accepted(seed):
    assert parse("nodeclass", seed).seed == int(seed)
