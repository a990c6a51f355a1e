"""``graphkit extras list`` prints ``registry.CATALOG`` without importing experiments.

The catalog must equal what importing the experiment modules registers, a
registration that differs from its catalog line must fail to import, and a module
that failed to import must be listed as not available instead of its lines.
"""

import json
import sys
import textwrap

import pytest
from fresh_interpreter import run_python
from graphkit.extras import registration, registry
from toy_experiments import empty_extras_registry

LIST_FRESH = """
import json, sys
from graphkit.extras import registry

experiments, errors = registry.listing()
rows = [[e.name, e.title, e.summary, e.issue_group, e.module] for e in experiments]
print(json.dumps({"rows": rows, "errors": errors, "torch": "torch" in sys.modules}))
"""


def test_catalog_equals_imported_registry():
    (output,) = run_python(LIST_FRESH)
    listed = json.loads(output)
    imported = [
        [e.name, e.title, e.summary, e.issue_group, e.module]
        for e in registry.list_experiments()
    ]
    assert registry.import_errors() == {}
    assert listed["torch"] is False
    assert listed["errors"] == {}
    assert listed["rows"] == imported
    assert len(imported) == len(registry.CATALOG)


@pytest.fixture
def toy_catalog(tmp_path, monkeypatch):
    """Yield a function that writes ``graphkit.extras.NAME`` modules and their catalog.

    It takes the module sources by name and the ``CATALOG`` lines that replace the
    real ones. The registry starts empty, and both are restored afterwards.
    """
    def write(files: dict[str, str], lines: list[registry.Listing]) -> None:
        for name, text in files.items():
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
        monkeypatch.setattr(registration, "CATALOG", tuple(lines))
        modules = tuple(dict.fromkeys(line.module for line in lines))
        monkeypatch.setattr(registration, "EXPERIMENT_MODULES", modules)

    with empty_extras_registry(tmp_path, monkeypatch):
        yield write


TOY = """
from graphkit.extras.registry import register

Config = object


def criteria(metrics):
    return []


@register("toy_one", "Toy title", "toy summary", 7)
def run(config):
    return {{}}

{tail}
"""


def test_list_reads_catalog_without_importing(toy_catalog):
    line = registry.Listing(
        "toy_one", "graphkit.extras.toy_mod", "Toy title", "toy summary", 7
    )
    toy_catalog({"toy_mod": TOY.format(tail="")}, [line])
    assert registry.listing() == ([line], {})
    assert "graphkit.extras.toy_mod" not in sys.modules
    assert [e.name for e in registry.list_experiments()] == ["toy_one"]


def test_registration_differing_from_catalog_fails(toy_catalog):
    line = registry.Listing(
        "toy_one", "graphkit.extras.toy_mod", "Old title", "toy summary", 7
    )
    toy_catalog({"toy_mod": TOY.format(tail="")}, [line])
    assert registry.list_experiments() == []
    error = registry.import_errors()["graphkit.extras.toy_mod"]
    assert error == (
        "ValueError: experiment 'toy_one' registers title='Toy title', which differs "
        "from its line in CATALOG of graphkit.extras.catalog. Make the two agree, "
        "because graphkit extras list prints that line"
    )


def test_failed_module_listed_as_not_available(toy_catalog, capsys):
    from graphkit.launch.cli import run

    lines = [
        registry.Listing(
            "toy_one", "graphkit.extras.toy_broken", "Toy title", "toy summary", 7
        ),
        registry.Listing("toy_two", "graphkit.extras.toy_fine", "Two", "second", 3),
    ]
    toy_catalog(
        {
            "toy_broken": TOY.format(tail="raise RuntimeError('broken at import')"),
            "toy_fine": TOY.format(tail="").replace(
                '"toy_one", "Toy title", "toy summary", 7',
                '"toy_two", "Two", "second", 3',
            ),
        },
        lines,
    )
    # Rows are sorted by group, and no extra module is imported yet.
    assert registry.listing() == (lines[::-1], {})
    registry.discover()
    assert registry.listing() == (
        [lines[1]],
        {"graphkit.extras.toy_broken": "RuntimeError: broken at import"},
    )
    assert run(["extras", "list"]) == 0
    out = capsys.readouterr().out
    assert "toy_two" in out
    assert "toy_one" not in out
    assert (
        "(not available: graphkit.extras.toy_broken: RuntimeError: broken at import)"
        in out
    )
