"""Without --root or GRAPHKIT_DATA, isvd and kg name the folder to pass."""

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
    code = run(["kg", "evaluate", "--checkpoint", str(checkpoint), "--dataset", "fb237_v1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--root is required to find --dataset" in err
    assert "kg/ with fb237_v1/" in err
