"""graphkit extras run rejects --json and --markdown naming the same file."""

from __future__ import annotations

from graphkit.launch import cli


def test_same_output_file_rejected(tmp_path, capfd):
    out = tmp_path / "results.txt"
    argv = ["extras", "run", "floorset", "--smoke", "--json", str(out)]
    code = cli.run([*argv, "--markdown", str(tmp_path / "." / out.name)])
    assert code == 2
    assert "--json and --markdown both name" in capfd.readouterr().err
    assert not out.exists()


def test_relative_and_absolute_same_file_rejected(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    argv = ["extras", "run", "floorset", "--smoke", "--json", "results.txt"]
    code = cli.run([*argv, "--markdown", str(tmp_path / "results.txt")])
    assert code == 2
    assert "--json and --markdown both name results.txt" in capfd.readouterr().err
    assert list(tmp_path.iterdir()) == []
