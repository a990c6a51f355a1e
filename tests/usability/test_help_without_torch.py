"""``graphkit --help``, every command's ``--help`` and ``extras list`` import no torch.

Importing torch costs about 1 CPU s (torch 2.13), which is most of a help command's
start-up. Each check runs the command in a fresh interpreter and checks its exit code
and that neither ``torch`` nor ``torch_geometric`` is in ``sys.modules`` at exit.
"""

import pytest
from fresh_interpreter import run_graphkit

HELP_COMMANDS = [
    [],
    ["train"],
    ["partition"],
    ["analyze"],
    ["kg"],
    ["kg", "list"],
    ["kg", "evaluate"],
    ["kg", "predict"],
    ["kg", "finetune"],
    ["kg", "pretrain"],
    ["isvd"],
    ["isvd", "linkpred"],
    ["isvd", "nodeclass"],
    ["extras"],
    ["extras", "list"],
    ["extras", "run"],
]


@pytest.mark.parametrize(
    "words", HELP_COMMANDS, ids=["-".join(words) or "top" for words in HELP_COMMANDS]
)
def test_help_imports_no_torch(words):
    result = run_graphkit([*words, "--help"])
    assert result.exit_code == 0
    assert result.imported == []


def test_extras_list_imports_no_torch():
    result = run_graphkit(["extras", "list"])
    assert result.exit_code == 0
    assert result.imported == []


def test_unknown_command_imports_no_torch():
    # An unknown command word exits 2 with its one-line error, before any command runs.
    result = run_graphkit(["trian"])
    assert result.exit_code == 2
    assert result.imported == []
