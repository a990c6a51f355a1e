"""``graphkit extras list`` reads each experiment's registration from its source.

The listing must equal what importing the experiment modules registers, and a module
that cannot be imported (missing, a missing package, an invalid name) must be reported
as the import would report it.
"""

import json
import subprocess
import sys
import textwrap

import pytest
from graphkit.extras import catalog, registry

LIST_FRESH = """
import json, sys
from graphkit.extras import catalog

experiments, errors = catalog.list_experiments()
rows = [[e.name, e.title, e.summary, e.issue_group, e.module] for e in experiments]
print(json.dumps({"rows": rows, "errors": errors, "torch": "torch" in sys.modules}))
"""


def test_catalog_equals_imported_registry():
    result = subprocess.run(
        [sys.executable, "-c", LIST_FRESH],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    listed = json.loads(result.stdout)
    imported = [
        [e.name, e.title, e.summary, e.issue_group, e.module]
        for e in registry.list_experiments()
    ]
    assert listed["torch"] is False
    assert listed["rows"] == imported
    assert listed["errors"] == registry.import_errors()
    assert len(imported) == len(registry.EXPERIMENT_MODULES)


@pytest.fixture
def toy_package(tmp_path, monkeypatch):
    """Return a function that writes ``graphkit.extras.NAME`` modules into ``tmp_path``.

    A file name such as ``toy_pkg/exp`` writes the module ``graphkit.extras.toy_pkg.exp``.

    The written modules replace ``EXPERIMENT_MODULES``, and the registry starts empty.
    Both are restored afterwards, and the written modules are removed from
    ``sys.modules``.
    """
    package = sys.modules["graphkit.extras"]
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(registry, "_IMPORT_ERRORS", {})
    modules_before = set(sys.modules)

    def write(files: dict[str, str], listed: list[str]) -> None:
        for name, text in files.items():
            path = tmp_path / f"{name}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        modules = tuple(f"graphkit.extras.{name}" for name in listed)
        monkeypatch.setattr(registry, "EXPERIMENT_MODULES", modules)

    yield write
    for name in set(sys.modules) - modules_before:
        if name.startswith("graphkit.extras.toy_"):
            del sys.modules[name]


def _rows(experiments):
    return [(e.name, e.title, e.summary, e.issue_group, e.module) for e in experiments]


def test_constants_from_sibling_module(toy_package):
    toy_package(
        {
            "toy_versions": """
                VERSION = (
                    "scorer v"
                    "2"
                )
            """,
            "toy_first": """
                from graphkit.extras.registry import register
                from graphkit.extras.toy_versions import VERSION as SCORER

                GROUP = 7
                NAME = "toy_" + "first"

                @register(NAME, f"Title {SCORER}", summary="one", issue_group=GROUP)
                def run(config):
                    raise AssertionError("the listing must not run or import this")
            """,
            "toy_second": """
                from graphkit.extras import registry as reg

                def run(config):
                    return {}

                run = reg.register("toy_second", "Second", "two", 3)(run)
            """,
        },
        ["toy_first", "toy_second"],
    )
    experiments, errors = catalog.list_experiments()
    assert errors == {}
    assert _rows(experiments) == [
        ("toy_second", "Second", "two", 3, "graphkit.extras.toy_second"),
        ("toy_first", "Title scorer v2", "one", 7, "graphkit.extras.toy_first"),
    ]
    assert "graphkit.extras.toy_first" not in sys.modules
    assert "graphkit.extras.toy_second" not in sys.modules


def test_relative_imports_in_subpackage(toy_package):
    toy_package(
        {
            "toy_pkg/__init__": "from .names import TITLE as PACKAGE_TITLE\n",
            "toy_pkg/names": 'TITLE = "Relative"\n',
            "toy_pkg/inner/__init__": "",
            "toy_pkg/inner/exp": """
                from ...registry import register
                from .. import PACKAGE_TITLE
                from ..names import TITLE

                run = register("toy_relative", PACKAGE_TITLE, TITLE + " too", 2)(
                    lambda config: {}
                )
            """,
        },
        ["toy_pkg.inner.exp"],
    )
    experiments, errors = catalog.list_experiments()
    assert errors == {}
    assert _rows(experiments) == [
        (
            "toy_relative",
            "Relative",
            "Relative too",
            2,
            "graphkit.extras.toy_pkg.inner.exp",
        )
    ]
    assert "graphkit.extras.toy_pkg" not in sys.modules


def test_missing_packages_and_modules(toy_package):
    toy_package(
        {
            "toy_helper": "import graphkit_no_such_package.sub\n",
            "toy_direct": """
                from graphkit_no_such_package import thing
                from graphkit.extras.registry import register

                run = register("toy_direct", "t", "s", 1)(lambda config: {})
            """,
            "toy_indirect": """
                from graphkit.extras.registry import register
                from graphkit.extras.toy_helper import value

                run = register("toy_indirect", "t", "s", 1)(lambda config: {})
            """,
            "toy_fine": """
                import math
                from graphkit.extras.registry import register

                run = register("toy_fine", "t", "s", 1)(lambda config: {})
            """,
        },
        ["toy_direct", "toy_indirect", "toy_absent", "toy_fine"],
    )
    experiments, errors = catalog.list_experiments()
    assert [e.name for e in experiments] == ["toy_fine"]
    missing = "ModuleNotFoundError: No module named 'graphkit_no_such_package'"
    assert errors == {
        "graphkit.extras.toy_direct": missing,
        "graphkit.extras.toy_indirect": missing,
        "graphkit.extras.toy_absent": (
            "ModuleNotFoundError: No module named 'graphkit.extras.toy_absent'"
        ),
    }


def test_invalid_and_repeated_names(toy_package):
    files = {
        "toy_bad": """
            from graphkit.extras.registry import register

            run = register("Bad Name", "t", "s", 1)(lambda config: {})
        """,
        "toy_one": """
            from graphkit.extras.registry import register

            run = register("toy_same", "t", "s", 1)(lambda config: {})
        """,
        "toy_two": """
            from graphkit.extras.registry import register

            run = register("toy_same", "t", "s", 2)(lambda config: {})
        """,
    }
    toy_package(files, ["toy_bad", "toy_one", "toy_two"])
    experiments, errors = catalog.list_experiments()
    assert _rows(experiments) == [("toy_same", "t", "s", 1, "graphkit.extras.toy_one")]
    assert errors == {
        "graphkit.extras.toy_bad": (
            "ValueError: invalid experiment name 'Bad Name': use lowercase letters, "
            "digits, _ or -"
        ),
        "graphkit.extras.toy_two": (
            "ValueError: experiment 'toy_same' registered twice: "
            "graphkit.extras.toy_one and graphkit.extras.toy_two"
        ),
    }


def test_unreadable_registration_is_imported(toy_package):
    toy_package(
        {
            "toy_computed": """
                from graphkit.extras.registry import register

                def title():
                    return "computed " + "title"

                def run(config):
                    return {}

                def criteria(metrics):
                    return []

                class Config:
                    pass

                run = register("toy_computed", title(), "s", 4)(run)
            """,
            "toy_inside": """
                from graphkit.extras.registry import register

                if True:
                    run = register("toy_inside", "t", "s", 5)(lambda config: {})
                    criteria = lambda metrics: []
                    Config = object
            """,
            "toy_dotted": """
                import graphkit.extras.registry

                run = graphkit.extras.registry.register("toy_dotted", "t", "s", 6)(
                    lambda config: {}
                )
                criteria = lambda metrics: []
                Config = object
            """,
        },
        ["toy_absent", "toy_computed", "toy_inside", "toy_dotted"],
    )
    experiments, errors = catalog.list_experiments()
    # The error found from source stays when later modules are imported.
    assert errors == {
        "graphkit.extras.toy_absent": (
            "ModuleNotFoundError: No module named 'graphkit.extras.toy_absent'"
        ),
    }
    assert _rows(experiments) == [
        ("toy_computed", "computed title", "s", 4, "graphkit.extras.toy_computed"),
        ("toy_inside", "t", "s", 5, "graphkit.extras.toy_inside"),
        ("toy_dotted", "t", "s", 6, "graphkit.extras.toy_dotted"),
    ]
    assert "graphkit.extras.toy_computed" in sys.modules
    assert "graphkit.extras.toy_inside" in sys.modules
    assert "graphkit.extras.toy_dotted" in sys.modules
