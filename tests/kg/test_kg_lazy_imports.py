"""``graphkit kg list`` and ``import graphkit.kg`` import no torch, and every name that
``graphkit.kg`` exports still imports as the object its submodule defines.

The torch checks run in a fresh interpreter, because this test process has imported
torch already.
"""

import ast
import importlib
from pathlib import Path

import pytest
from fresh_interpreter import run_graphkit, run_python

import graphkit.kg


def test_kg_list_imports_no_torch(tmp_path):
    for folder in ("toy_v1", "toy_v1_ind", "codex"):
        (tmp_path / folder).mkdir()
    (tmp_path / "codex" / "train.txt").write_text("a\tr\tb\n")
    result = run_graphkit(["kg", "list", "--root", str(tmp_path)])
    assert result.exit_code == 0
    assert result.imported == []
    listed = [line.split()[0] for line in result.output if line.startswith("  ")]
    assert "toy_v1" in listed
    assert "codex" in listed
    assert "ultra_3g" in listed


def test_kg_list_without_root_imports_no_torch():
    result = run_graphkit(["kg", "list"])
    assert result.exit_code == 0
    assert result.imported == []


def test_package_import_imports_no_torch():
    code = "import sys, graphkit.kg; print('torch' in sys.modules)"
    assert run_python(code) == ["False"]


@pytest.mark.parametrize("name", graphkit.kg.__all__)
def test_exported_name_is_submodule_object(name):
    module = importlib.import_module(f"graphkit.kg.{graphkit.kg.EXPORTS[name]}")
    assert getattr(graphkit.kg, name) is getattr(module, name)


def test_evaluate_stays_function_after_submodule_import():
    # Importing the submodule graphkit.kg.evaluate first sets the package attribute
    # evaluate, which must stay the function.
    code = (
        "import graphkit.kg.evaluate\n"
        "from graphkit.kg import evaluate\n"
        "print(type(evaluate).__name__, evaluate.__module__)"
    )
    assert run_python(code) == ["function graphkit.kg.evaluate"]


def test_star_import_binds_every_export():
    code = (
        "from graphkit.kg import *\n"
        "import graphkit.kg\n"
        "names = [n for n in graphkit.kg.__all__ if globals().get(n) is None]\n"
        "print('missing', names, callable(evaluate))"
    )
    assert run_python(code) == ["missing [] True"]


def test_submodule_attribute_after_package_import():
    code = "import graphkit.kg\nprint(graphkit.kg.ultra.Ultra.__name__)"
    assert run_python(code) == ["Ultra"]


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="has no attribute 'Ultraa'"):
        graphkit.kg.Ultraa  # noqa: B018


def test_dotted_attribute_gives_default():
    # getattr(module, name, default) returns the default only on AttributeError. A
    # name with a dot would otherwise be looked up as a nested submodule and raise
    # ModuleNotFoundError for graphkit.kg.ultra.
    assert getattr(graphkit.kg, "ultra.Ultra", None) is None
    assert getattr(graphkit.kg, "missing.name", None) is None


def test_dir_lists_submodules_without_torch():
    code = (
        "import sys, graphkit.kg\n"
        "names = dir(graphkit.kg)\n"
        "print('ultra' in names, 'io' in names, 'Ultra' in names, 'torch' in sys.modules)"
    )
    assert run_python(code) == ["True True True False"]


def test_all_is_literal_of_exports():
    # Static tools read __all__ only when it is a literal, so a computed one makes them
    # report the re-exported names as unused or private.
    source = Path(graphkit.kg.__file__).read_text()
    (statement,) = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == ["__all__"]
    ]
    assert isinstance(statement.value, ast.List)
    assert ast.literal_eval(statement.value) == sorted(graphkit.kg.EXPORTS)
