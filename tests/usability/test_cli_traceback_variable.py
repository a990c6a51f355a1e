"""GRAPHKIT_TRACEBACK=0 (or false, no, off) keeps the one-line errors of cli.run.

Any value used to count as a request for the traceback, so a user who set the
variable to 0 to turn tracebacks off got them.
"""

import pytest
from graphkit.launch import cli


def _fail(argv):
    raise ValueError("bad value")


@pytest.mark.parametrize("value", ["", "0", "false", "No", " OFF "])
def test_off_values_keep_one_line(monkeypatch, capsys, value):
    monkeypatch.setenv("GRAPHKIT_TRACEBACK", value)
    monkeypatch.setattr(cli, "main", _fail)
    assert cli.run(["train"]) == 2
    assert capsys.readouterr().err == "graphkit train: error: bad value\n"


@pytest.mark.parametrize("value", ["1", "yes", "true"])
def test_on_values_raise(monkeypatch, value):
    monkeypatch.setenv("GRAPHKIT_TRACEBACK", value)
    monkeypatch.setattr(cli, "main", _fail)
    with pytest.raises(ValueError, match="bad value"):
        cli.run(["train"])


def test_off_value_keeps_interrupt_line(monkeypatch, capsys):
    def interrupt(argv):
        raise KeyboardInterrupt

    monkeypatch.setenv("GRAPHKIT_TRACEBACK", "0")
    monkeypatch.setattr(cli, "main", interrupt)
    assert cli.run(["isvd"]) == 130
    assert capsys.readouterr().err == "graphkit isvd: interrupted\n"
