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
