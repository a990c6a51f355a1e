"""A stray word after a command is named as an unknown argument, not as a command.

``graphkit train foo`` printed ``graphkit train foo: error: ... See graphkit train foo
--help``, a help command that itself fails.
"""

import pytest
from graphkit.launch.cli import main


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["train", "foo"],
            "graphkit train: error: unrecognized arguments: foo. See graphkit train "
            "--help for the options\n",
        ),
        (
            ["isvd", "nodeclass", "--dataset", "cora", "foo", "bar"],
            "graphkit isvd nodeclass: error: unrecognized arguments: foo bar. See "
            "graphkit isvd nodeclass --help for the options\n",
        ),
    ],
)
def test_stray_word_names_command(capsys, argv, line):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err == line
