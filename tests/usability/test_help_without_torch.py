"""``graphkit --help``, every command's ``--help`` and ``extras list`` import no torch.

Importing torch costs about 1 CPU s (torch 2.13), which is most of a help command's
start-up. Each check runs the command in a fresh interpreter and prints the exit code
and whether ``torch`` and ``torch_geometric`` are in ``sys.modules`` at exit.
"""

import subprocess
import sys

import pytest

RUN_COMMAND = """
import sys
from graphkit.launch.cli import run

try:
    code = run(sys.argv[1:])
except SystemExit as error:  # --help exits through argparse
    code = error.code
print("exit", code, "torch", "torch" in sys.modules, "pyg", "torch_geometric" in sys.modules)
"""

# The last output line of a command that exits 0 without importing torch or PyG.
CLEAN_EXIT = ["exit", "0", "torch", "False", "pyg", "False"]

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


def run_fresh(arguments: list[str]) -> list[str]:
    """Run ``graphkit ARGUMENTS`` in a new interpreter and return its last output line."""
    result = subprocess.run(
        [sys.executable, "-c", RUN_COMMAND, *arguments],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].split()


@pytest.mark.parametrize(
    "words", HELP_COMMANDS, ids=["-".join(words) or "top" for words in HELP_COMMANDS]
)
def test_help_imports_no_torch(words):
    assert run_fresh([*words, "--help"]) == CLEAN_EXIT


def test_extras_list_imports_no_torch():
    assert run_fresh(["extras", "list"]) == CLEAN_EXIT


def test_unknown_command_imports_no_torch():
    # An unknown command word exits 2 with its one-line error, before any command runs.
    assert run_fresh(["trian"]) == ["exit", "2", "torch", "False", "pyg", "False"]
