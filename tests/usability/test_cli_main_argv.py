"""Python callers of cli.main get a TypeError that names a wrong argv and the fix.

A whole command line as one string was read one character per word ("unknown
command 't'"), and a number failed inside argparse ("'int' object is not
subscriptable").
"""

import pytest
from graphkit.launch import cmd_train
from graphkit.launch.cli import main


def test_string_command_line_rejected():
    with pytest.raises(TypeError) as info:
        main("train --epochs 1")
    assert str(info.value) == (
        "main() takes a list of command-line words, not the string 'train --epochs 1'. "
        "Pass shlex.split('train --epochs 1') or a list such as "
        "['train', '--epochs', '3']"
    )


def test_integer_word_rejected():
    with pytest.raises(TypeError) as info:
        main(["train", "--epochs", 3])
    assert str(info.value) == (
        "main() argument argv[2] = 3 has type int, not str. Pass every word as a "
        "string, such as '3'"
    )


def test_bytes_word_rejected():
    with pytest.raises(TypeError, match=r"argv\[0\] = b'train' has type bytes, not str"):
        main([b"train"])


def test_tuple_of_strings_accepted(capsys):
    with pytest.raises(SystemExit) as info:
        main(("train", "--help"))
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: graphkit train")


def test_empty_argv_runs_train(monkeypatch):
    # graphkit with no arguments trains on the embedded synthetic graph.
    calls = []
    monkeypatch.setattr(cmd_train, "run", lambda args: calls.append(args) or 0)
    assert main([]) == 0
    assert len(calls) == 1
    assert calls[0].command == "train"
    assert calls[0].func is cmd_train.run


def test_bytes_command_line_rejected():
    with pytest.raises(TypeError) as info:
        main(b"train")
    assert str(info.value).startswith(
        "main() takes a list of command-line words, not the string b'train'."
    )
