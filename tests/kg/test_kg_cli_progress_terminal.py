"""kg evaluate draws its progress bar only when stderr is a terminal.

Written to a file or a pipe, each redraw of the bar would add a line to the log.
"""

import sys

import pytest
import torch
from graphkit.launch.cli import main

import graphkit.kg

from .test_kg_query_names import write_files

FACTS = ["a\tr\tb", "b\tr\tc", "c\ts\ta"]


@pytest.fixture
def arguments(tmp_path):
    """Return the arguments of kg evaluate on a three-fact folder and a tiny model."""
    write_files(tmp_path / "kg" / "toy", train=FACTS, valid=FACTS[:1], test=FACTS[1:])
    torch.manual_seed(0)
    checkpoint = tmp_path / "model.pth"
    graphkit.kg.Ultra(dim=8, num_layers=1).save(checkpoint)
    return ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "toy"] + [
        "--root",
        str(tmp_path / "kg"),
    ]


def test_no_bar_when_stderr_is_not_terminal(arguments, capsys):
    assert not sys.stderr.isatty()
    assert main(arguments) == 0
    assert "ranking toy/test" not in capsys.readouterr().err


def test_bar_when_stderr_is_terminal(arguments, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(arguments) == 0
    assert "ranking toy/test" in capsys.readouterr().err
