"""``graphkit extras list`` reads experiment sources in the encoding that import uses."""

import sys

import pytest
from graphkit.extras import catalog, registry

LATIN_1_MODULE = (
    b"# -*- coding: latin-1 -*-\n"
    b"from graphkit.extras.registry import register\n"
    b"@register('toy_latin', 'Caf\xe9 paper', 'summary', 99)\n"
    b"def run(config):\n"
    b"    return {}\n"
)


@pytest.fixture
def toy_folder(tmp_path, monkeypatch):
    """Return a folder whose ``NAME.py`` files are the modules ``graphkit.extras.NAME``."""
    package = sys.modules["graphkit.extras"]
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(registry, "_IMPORT_ERRORS", {})
    return tmp_path


def test_coding_line_honoured(toy_folder, monkeypatch):
    (toy_folder / "toy_latin.py").write_bytes(LATIN_1_MODULE)
    monkeypatch.setattr(registry, "EXPERIMENT_MODULES", ("graphkit.extras.toy_latin",))
    experiments, errors = catalog.list_experiments()
    assert errors == {}
    assert [(e.name, e.title) for e in experiments] == [("toy_latin", "Café paper")]


def test_invalid_utf8_reported_as_syntax_error(toy_folder, monkeypatch):
    (toy_folder / "toy_bad_bytes.py").write_bytes(
        LATIN_1_MODULE.replace(b"# -*- coding: latin-1 -*-\n", b"")
    )
    monkeypatch.setattr(
        registry, "EXPERIMENT_MODULES", ("graphkit.extras.toy_bad_bytes",)
    )
    experiments, errors = catalog.list_experiments()
    assert experiments == []
    assert list(errors) == ["graphkit.extras.toy_bad_bytes"]
    assert errors["graphkit.extras.toy_bad_bytes"].startswith("SyntaxError: ")
