"""Invalid input to graphkit extras run prints a 'graphkit extras run: error:' line.

The message goes to stderr as that line, not as an ERROR log record.
"""

from __future__ import annotations

import pytest
from graphkit.launch import cli


@pytest.mark.parametrize(
    "argv, message",
    [
        (["nonexistent_experiment"], "unknown experiment 'nonexistent_experiment'"),
        (
            ["mfqat", "--smoke", "--set", "epoch=3"],
            "--set epoch: unknown config key for mfqat (did you mean 'epochs'?)",
        ),
        (["all", "--smoke", "--set", "epochs=3"], "--set epochs=3 cannot be combined"),
    ],
    ids=["unknown-experiment", "unknown-key", "set-with-all"],
)
def test_invalid_input_error_line(argv, message, capfd):
    assert cli.main(["extras", "run", *argv]) == 2
    err_lines = capfd.readouterr().err.splitlines()
    assert f"graphkit extras run: error: {message}" in "\n".join(err_lines)
    assert not [line for line in err_lines if " ERROR " in line]
