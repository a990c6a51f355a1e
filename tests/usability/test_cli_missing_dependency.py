"""A dependency that is not installed gives one error line naming the pip package.

Without torch, ``graphkit train`` printed two chained tracebacks: the import error,
then a second one from building the list of user-error types, which imports torch too.
"""

import subprocess
import sys

import pytest
from graphkit.launch import cli


def _missing(name):
    def main(argv):
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    return main


@pytest.mark.parametrize(
    ("module", "package"),
    [("torch", "torch"), ("torch_geometric.utils", "torch-geometric"), ("yaml", "pyyaml")],
)
def test_missing_dependency_is_one_line(monkeypatch, capsys, module, package):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    monkeypatch.setattr(cli, "main", _missing(module))
    assert cli.run(["analyze"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(
        f"graphkit analyze: error: the Python package {package!r} is not installed"
    )
    assert f"which include {package}" in err


def test_missing_graphkit_module_keeps_traceback(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_TRACEBACK", raising=False)
    monkeypatch.setattr(cli, "main", _missing("graphkit.nowhere"))
    with pytest.raises(ModuleNotFoundError):
        cli.run(["train"])


def test_train_without_torch_in_subprocess():
    code = (
        "import sys; sys.modules['torch'] = None\n"
        "from graphkit.launch.cli import run\n"
        "sys.exit(run(['train']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("graphkit train: error: the Python package 'torch'")
    assert "Traceback" not in done.stderr
