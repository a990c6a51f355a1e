"""Packages that import their exports on first access still bind them statically.

graphkit.kg and graphkit.train load their exports through a module ``__getattr__``,
which type checkers and editors read as returning ``Any``. An import under ``if
TYPE_CHECKING:`` gives them each name's real definition.
"""

import ast
import importlib
from pathlib import Path

import pytest


def _static_imports(tree: ast.Module) -> set[str]:
    """Return the names bound by ``from`` imports at top level or under TYPE_CHECKING."""
    statements = list(tree.body)
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            statements += node.body
    return {
        alias.asname or alias.name
        for node in statements
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


@pytest.mark.parametrize("package", ["graphkit.kg", "graphkit.train"])
def test_exports_imported_for_type_checkers(package):
    module = importlib.import_module(package)
    tree = ast.parse(Path(module.__file__).read_text())
    missing = sorted(set(module.__all__) - _static_imports(tree))
    assert missing == []
