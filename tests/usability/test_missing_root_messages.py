"""Commands without a data folder, or with an empty --root, name the folder to pass."""

import pytest
from graphkit.datasets.errors import DatasetNotFoundError
from graphkit.datasets.layout import data_root
from graphkit.launch.cli import run


def test_isvd_missing_root_names_option(monkeypatch, capsys):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    assert run(["isvd", "linkpred", "--dataset", "ppi"]) == 2
    err = capsys.readouterr().err
    assert "--root DIR" in err
    assert "graphs/ folder that contains asymproj/" in err


def test_kg_missing_root_names_folder(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    checkpoint = tmp_path / "model.pth"
    checkpoint.write_bytes(b"")
    code = run(
        ["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "fb237_v1"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--root is required to find --dataset" in err
    assert "kg/ with fb237_v1/" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "--dataset", "cora", "--root", ""],
        ["train", "--dataset", "cora", "--root", " ", "--epochs", "1"],
        ["isvd", "nodeclass", "--dataset", "cora", "--root", ""],
    ],
)
def test_empty_root_rejected(monkeypatch, capsys, tmp_path, argv):
    # An empty root is the working folder, where a download would write.
    monkeypatch.setenv("GRAPHKIT_DATA", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "error: --root is empty (" in err
    assert "leave --root out to use GRAPHKIT_DATA" in err


def test_empty_root_rejected_in_python(monkeypatch):
    monkeypatch.delenv("GRAPHKIT_DATA", raising=False)
    with pytest.raises(DatasetNotFoundError) as caught:
        data_root("")
    assert str(caught.value) == (
        "root is empty (''). Pass the data folder, or leave root out to use "
        "GRAPHKIT_DATA"
    )
