"""An experiment whose module fails to import does not run, and get() names the error."""

import textwrap

import pytest
from graphkit.extras import registration, registry
from toy_experiments import empty_extras_registry

EXPERIMENT = """
from dataclasses import dataclass

from graphkit.extras.registry import register


@dataclass
class Config:
    size: int = 1

    @classmethod
    def smoke(cls):
        return cls()


def criteria(metrics):
    return []


@register("{name}", "title", "summary", 99)
def run(config):
    return {{}}

{tail}
"""


@pytest.fixture
def toy_modules(tmp_path, monkeypatch):
    """Return a function that writes ``graphkit.extras.NAME`` modules and lists them."""
    def write(files: dict[str, str], names: dict[str, str] | None = None) -> None:
        """Write the modules and set ``EXPERIMENT_MODULES`` to them.

        ``names`` maps a module to its experiment's name when they differ, which
        adds the experiment to ``CATALOG``.
        """
        for name, text in files.items():
            (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
        modules = tuple(f"graphkit.extras.{name}" for name in files)
        monkeypatch.setattr(registration, "EXPERIMENT_MODULES", modules)
        lines = [
            registry.Listing(name, f"graphkit.extras.{module}", "title", "summary", 99)
            for module, name in (names or {}).items()
        ]
        monkeypatch.setattr(registration, "CATALOG", tuple(lines))

    with empty_extras_registry(tmp_path, monkeypatch):
        yield write


def test_error_after_register_drops_experiment(toy_modules):
    toy_modules(
        {
            "toy_late_error": EXPERIMENT.format(
                name="toy_late_error", tail="undefined_name + 1"
            ),
            "toy_fine": EXPERIMENT.format(name="toy_fine", tail=""),
        }
    )
    names = [e.name for e in registry.list_experiments()]
    assert names == ["toy_fine"]
    assert list(registry.import_errors()) == ["graphkit.extras.toy_late_error"]


def test_failed_module_named_in_get(toy_modules):
    toy_modules(
        {
            "toy_late_error": EXPERIMENT.format(
                name="toy_late_error", tail="undefined_name + 1"
            ),
        }
    )
    with pytest.raises(KeyError) as caught:
        registry.get("toy_late_error")
    message = caught.value.args[0]
    assert "cannot run because its module graphkit.extras.toy_late_error" in message
    assert "NameError: name 'undefined_name' is not defined" in message
    assert message.endswith("Fix the error in that module")


def test_missing_package_named_in_get(toy_modules):
    toy_modules(
        {
            "toy_needs_package": EXPERIMENT.format(
                name="toy_needs_package", tail=""
            ).replace(
                "from dataclasses",
                "import graphkit_no_such_package\nfrom dataclasses",
                1,
            ),
        }
    )
    with pytest.raises(KeyError) as caught:
        registry.get("toy_needs_package")
    message = caught.value.args[0]
    assert "No module named 'graphkit_no_such_package'" in message
    assert message.endswith("Install the package it names")


def test_unknown_name_lists_failed_modules(toy_modules):
    toy_modules(
        {
            "toy_syntax": "def broken(:\n",
            "toy_fine": EXPERIMENT.format(name="toy_fine", tail=""),
        }
    )
    with pytest.raises(KeyError) as caught:
        registry.get("toy_other")
    message = caught.value.args[0]
    assert message.startswith("unknown experiment 'toy_other'")
    assert "registered experiments: toy_fine" in message
    assert message.endswith(
        "these experiment modules failed to import: graphkit.extras.toy_syntax"
    )


def test_run_exits_2_naming_import_error(toy_modules, capsys):
    from graphkit.launch.cli import run

    toy_modules(
        {
            "toy_late_error": EXPERIMENT.format(
                name="toy_late_error", tail="raise RuntimeError('broken at import')"
            ),
        }
    )
    code = run(["extras", "run", "toy_late_error", "--smoke"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "RuntimeError: broken at import" in captured.err


def test_run_all_names_failed_experiment(toy_modules, capsys):
    from graphkit.launch.cli import run

    # The module's last name part differs from the experiment name, as in
    # graphkit.extras.floorset.experiment, which registers floorset.
    toy_modules(
        {
            "toy_module_part": EXPERIMENT.format(
                name="toy_listed_name", tail="raise RuntimeError('broken at import')"
            ),
            "toy_fine": EXPERIMENT.format(name="toy_fine", tail=""),
        },
        names={"toy_module_part": "toy_listed_name"},
    )
    code = run(["extras", "run", "all", "--smoke"])
    rows = [line.split()[:2] for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert ["toy_listed_name", "error"] in rows
    assert ["toy_module_part", "error"] not in rows


def test_catalog_name_matched_in_get(toy_modules):
    # The module's last name part differs from the experiment's name, so only the
    # catalog line ties the failed module to the name.
    toy_modules(
        {"toy_module_part": EXPERIMENT.format(name="toy_named", tail="undefined_name")},
        names={"toy_module_part": "toy_named"},
    )
    with pytest.raises(
        KeyError, match="its module graphkit.extras.toy_module_part fail"
    ):
        registry.get("toy_named")
