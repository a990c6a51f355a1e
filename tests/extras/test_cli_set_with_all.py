"""graphkit extras run all rejects --set and names the way to override one experiment."""

from graphkit.launch import cli


def test_set_with_all_names_fix(tmp_path, capfd):
    out = tmp_path / "r.json"
    argv = ["extras", "run", "all", "--smoke", "--set", "epochs=3", "--json", str(out)]
    code = cli.run(argv)
    captured = capfd.readouterr()
    assert code == 2
    assert "--set epochs=3 cannot be combined with 'all'" in captured.err
    assert "graphkit extras run NAME --set epochs=3" in captured.err
    assert captured.out == ""
    assert not out.exists()
