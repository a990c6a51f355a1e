"""Experiments for ``graphkit extras list``, read from source without importing them.

Every experiment module imports torch, which costs about 1 CPU s, and the listing needs
only the arguments of each module's ``register(name, title, summary, issue_group)``
call. This module reads them from the module's source with :mod:`ast`. An argument may
be a string or integer literal, an f-string or ``+`` of such values, or a name bound
once at module level to one, in the same module or imported with ``from MODULE import
NAME`` from another ``graphkit.extras`` module. A module whose registrations cannot be
read this way is imported, as :func:`registry.discover` does.

The listing reports a module as not available in three cases. Its file is missing, or a
module-level ``import`` in it (or in a ``graphkit.extras`` module it imports) names a
package that is not installed, or its registration would raise for an invalid or
repeated name. Other errors that an import would raise show only when ``graphkit extras
run`` imports the module.
"""

from __future__ import annotations

import ast
import functools
import importlib.machinery
import importlib.util
import inspect
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from graphkit.extras import registry

logger = logging.getLogger(__name__)

PACKAGE = "graphkit.extras"
REGISTRY_MODULE = "graphkit.extras.registry"

# Parsed sources by module name (None: no such module), filled during one listing, and
# the names among them that are packages (read from their __init__.py).
_TREES: dict[str, ast.Module | None] = {}
_PACKAGES: set[str] = set()


@dataclass(frozen=True)
class ListedExperiment:
    """An experiment as its ``register`` call declares it."""

    name: str
    title: str
    summary: str
    issue_group: int
    module: str


class UnreadableSource(Exception):
    """A registration whose arguments are not constants that this module can evaluate."""


def list_experiments() -> tuple[list[ListedExperiment], dict[str, str]]:
    """Return the experiments, sorted by issue group and name, and the unavailable modules.

    The second value maps a module name to its error, as :func:`registry.import_errors`
    does. Modules imported already (and experiments registered from other modules)
    come from the registry itself.
    """
    _TREES.clear()  # read the files as they are now
    _PACKAGES.clear()
    listed = _registered()
    errors = registry.recorded_import_errors()
    for module_name in registry.EXPERIMENT_MODULES:
        if module_name in sys.modules or module_name in errors:
            continue
        try:
            found = _read_module(module_name)
            _check_names(found, listed)
        except UnreadableSource as reason:
            logger.debug("importing %s to list it: %s", module_name, reason)
            registry.import_modules([module_name])
            errors.update(registry.recorded_import_errors())
            listed = {**_registered(), **listed}
            continue
        except (ModuleNotFoundError, SyntaxError, ValueError) as error:
            if not (
                isinstance(error, ModuleNotFoundError) and error.name == module_name
            ):
                logger.warning("cannot import %s: %s", module_name, error)
            errors[module_name] = f"{type(error).__name__}: {error}"
            continue
        listed.update((experiment.name, experiment) for experiment in found)
    ordered = sorted(listed.values(), key=lambda e: (e.issue_group, e.name))
    return ordered, errors


def declared_names(module_name: str) -> list[str]:
    """Return the names that ``module_name`` passes to ``register``, read from source.

    Unlike :func:`list_experiments`, this skips the check of the module's imports, so
    it also names the experiments of a module that fails to import. Returns [] when the
    source is missing, does not parse, or registers names that are not constants.
    """
    _TREES.pop(module_name, None)  # read the file as it is now
    try:
        tree = _parse(module_name)
        if tree is None:
            return []
        names = []
        for call in _register_calls(module_name, tree):
            keywords = {kw.arg: kw.value for kw in call.keywords}
            node = call.args[0] if call.args else keywords.get("name")
            if node is not None:
                names.append(_evaluate(node, module_name, tree))
        return names
    except (UnreadableSource, SyntaxError, OSError, UnicodeDecodeError):
        return []


def _registered() -> dict[str, ListedExperiment]:
    """Return the experiments in the registry already, by name."""
    return {
        e.name: ListedExperiment(e.name, e.title, e.summary, e.issue_group, e.module)
        for e in registry.registered_experiments()
    }


def _check_names(found: list[ListedExperiment], listed: dict[str, ListedExperiment]):
    """Raise the ValueError that ``register`` would raise for these experiments."""
    for experiment in found:
        registry.check_name(experiment.name)
        earlier = listed.get(experiment.name)
        if earlier is not None and earlier.module != experiment.module:
            raise ValueError(
                f"experiment {experiment.name!r} registered twice: {earlier.module} "
                f"and {experiment.module}"
            )


def _read_module(module_name: str) -> list[ListedExperiment]:
    """Return the experiments that ``module_name`` registers, read from its source.

    Raises ModuleNotFoundError for a missing module or a missing package that it
    imports, and :class:`UnreadableSource` when an argument cannot be evaluated.
    """
    tree = _parse(module_name)
    if tree is None:
        raise ModuleNotFoundError(f"No module named {module_name!r}", name=module_name)
    _check_dependencies(module_name, tree)
    calls = _register_calls(module_name, tree)
    parameters = inspect.signature(registry.register)
    found = []
    for call in calls:
        if any(isinstance(arg, ast.Starred) for arg in call.args) or any(
            keyword.arg is None for keyword in call.keywords
        ):
            raise UnreadableSource(f"line {call.lineno}: *args or **kwargs")
        values = [_evaluate(arg, module_name, tree) for arg in call.args]
        keywords = {
            kw.arg: _evaluate(kw.value, module_name, tree) for kw in call.keywords
        }
        try:
            bound = parameters.bind(*values, **keywords).arguments
        except TypeError as error:
            raise UnreadableSource(f"line {call.lineno}: {error}") from None
        # Other types fail or convert in register itself, which the import shows.
        types = [
            type(bound[key]) for key in ("name", "title", "summary", "issue_group")
        ]
        if types != [str, str, str, int]:
            raise UnreadableSource(f"line {call.lineno}: arguments of types {types}")
        found.append(ListedExperiment(**bound, module=module_name))
    return found


def _find_spec(module_name: str) -> importlib.machinery.ModuleSpec | None:
    """Return the spec of a ``graphkit.extras`` module without importing anything.

    Only the already imported ``graphkit.extras`` package is used, because finding a
    module with :func:`importlib.util.find_spec` imports its parent packages.
    """
    if not module_name.startswith(PACKAGE + "."):
        return None
    paths = list(sys.modules[PACKAGE].__path__)
    parts = module_name[len(PACKAGE) + 1 :].split(".")
    for part in parts[:-1]:
        spec = importlib.machinery.PathFinder.find_spec(part, paths)
        if spec is None or spec.submodule_search_locations is None:
            return None
        paths = list(spec.submodule_search_locations)
    return importlib.machinery.PathFinder.find_spec(parts[-1], paths)


def _parse(module_name: str) -> ast.Module | None:
    """Return the parsed source of a ``graphkit.extras`` module, or None if not found.

    Raises :class:`UnreadableSource` for a module without a ``.py`` source file.
    """
    if module_name not in _TREES:
        spec = _find_spec(module_name)
        if spec is None:
            _TREES[module_name] = None
            return None
        if spec.origin is None or not spec.origin.endswith(".py"):
            raise UnreadableSource(
                f"{module_name} has no Python source ({spec.origin})"
            )
        if spec.submodule_search_locations is not None:
            _PACKAGES.add(module_name)
        path = Path(spec.origin)
        # Bytes, so that ast.parse honours a PEP 263 coding line as import does.
        _TREES[module_name] = ast.parse(path.read_bytes(), str(path))
    return _TREES[module_name]


def _imported_module(module_name: str, node: ast.ImportFrom) -> str:
    """Return the absolute name of the module that ``from ... import`` reads."""
    if node.level == 0:
        return node.module or ""
    # One dot is the module's own package: from .x in module a.b.c, or in the
    # package a.b.c itself (its __init__.py), reads a.b.x or a.b.c.x.
    package = (
        module_name if module_name in _PACKAGES else module_name.rpartition(".")[0]
    )
    base = package.split(".")
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _check_dependencies(module_name: str, tree: ast.Module, seen: set | None = None):
    """Raise ModuleNotFoundError when a module-level import names a missing package.

    ``graphkit.extras`` modules that ``module_name`` imports are checked the same way.
    Imports inside functions, ``if`` and ``try`` blocks are optional or late, and skipped.
    """
    seen = set() if seen is None else seen
    seen.add(module_name)
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            targets = [alias.name for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom):
            source = _imported_module(module_name, statement)
            # from PACKAGE import NAME may import the sub-module PACKAGE.NAME.
            targets = [source] + [f"{source}.{alias.name}" for alias in statement.names]
        else:
            continue
        for target in targets:
            if target.startswith(PACKAGE + "."):
                inner = _parse(target)
                if inner is not None and target not in seen:
                    _check_dependencies(target, inner, seen)
            elif target and target.split(".")[0] not in ("graphkit", "__future__"):
                top = target.split(".")[0]
                if not _installed(top):
                    raise ModuleNotFoundError(f"No module named {top!r}", name=top)


@functools.cache
def _installed(package: str) -> bool:
    """Return whether the top-level module ``package`` can be found (not importing it)."""
    return importlib.util.find_spec(package) is not None


def _register_calls(module_name: str, tree: ast.Module) -> list[ast.Call]:
    """Return the module's ``register(...)`` calls, all of which must be top-level.

    A call counts when ``register`` was imported from ``graphkit.extras.registry``, or
    is an attribute of that module imported under a short name. Raises
    :class:`UnreadableSource` for any other call of a function named ``register``.
    """
    functions, modules = set(), set()
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom):
            source = _imported_module(module_name, statement)
            for alias in statement.names:
                if source == REGISTRY_MODULE and alias.name == "register":
                    functions.add(alias.asname or alias.name)
                if source == PACKAGE and alias.name == "registry":
                    modules.add(alias.asname or alias.name)
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name == REGISTRY_MODULE and alias.asname:
                    modules.add(alias.asname)

    def is_register(node: ast.AST) -> bool:
        if not isinstance(node, ast.Call):
            return False
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in functions
        return (
            isinstance(func, ast.Attribute)
            and func.attr == "register"
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        )

    top_level = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            top_level += [
                node for node in statement.decorator_list if is_register(node)
            ]
        elif isinstance(statement, (ast.Assign, ast.Expr)):
            top_level += [node for node in ast.walk(statement) if is_register(node)]
    # Count every call of a function named register too, so that a form this function
    # does not recognise (graphkit.extras.registry.register(...)) makes the caller import.
    every = [
        node
        for node in ast.walk(tree)
        if is_register(node) or _called_name(node) == "register"
    ]
    if len(every) != len(top_level):
        raise UnreadableSource("register is called inside a block or in another form")
    return top_level


def _called_name(node: ast.AST) -> str | None:
    """Return ``f`` for a call ``f(...)`` or ``x.f(...)``, else None."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _evaluate(node: ast.expr, module_name: str, tree: ast.Module, depth: int = 0):
    """Return the value of a constant expression (see the module docstring)."""
    if depth > 20:
        raise UnreadableSource(
            f"line {node.lineno}: names refer to each other too deeply"
        )
    if isinstance(node, ast.Constant) and type(node.value) in (str, int):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                if part.conversion != -1 or part.format_spec is not None:
                    raise UnreadableSource(
                        f"line {node.lineno}: formatted f-string field"
                    )
                parts.append(str(_evaluate(part.value, module_name, tree, depth + 1)))
            else:
                parts.append(_evaluate(part, module_name, tree, depth + 1))
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _evaluate(node.left, module_name, tree, depth + 1)
        right = _evaluate(node.right, module_name, tree, depth + 1)
        if type(left) is not type(right):
            raise UnreadableSource(f"line {node.lineno}: + of a string and a number")
        return left + right
    if isinstance(node, ast.Name):
        return _evaluate_name(node.id, module_name, tree, depth + 1)
    raise UnreadableSource(f"line {node.lineno}: {ast.unparse(node)} is not a constant")


def _evaluate_name(name: str, module_name: str, tree: ast.Module, depth: int):
    """Return the value bound to ``name`` by the one module-level statement binding it."""
    bindings = []
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in statement.targets):
                bindings.append(statement.value)
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            if isinstance(statement.target, ast.Name) and statement.target.id == name:
                bindings.append(statement.value)
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                if (alias.asname or alias.name) == name:
                    bindings.append(
                        (_imported_module(module_name, statement), alias.name)
                    )
        elif isinstance(statement, ast.Import):
            # import a.b binds a, and import a.b as c binds c: neither is a constant.
            bound = [
                alias.asname or alias.name.split(".")[0] for alias in statement.names
            ]
            bindings += [None] * bound.count(name)
        elif (
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and statement.name == name
        ):
            bindings.append(None)
    if len(bindings) != 1 or bindings[0] is None:
        raise UnreadableSource(
            f"{module_name}: {name} is not bound once to a constant at module level"
        )
    (binding,) = bindings
    if isinstance(binding, ast.expr):
        return _evaluate(binding, module_name, tree, depth)
    source, original = binding
    source_tree = _parse(source)
    if source_tree is None:
        raise UnreadableSource(f"{module_name}: {name} comes from {source}")
    return _evaluate_name(original, source, source_tree, depth)
