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


def test_all_in_upper_case(capfd):
    # Experiment names ignore case, but "ALL" used to be an unknown experiment.
    code = cli.run(["extras", "run", "ALL", "--smoke", "--set", "epochs=3"])
    captured = capfd.readouterr()
    assert code == 2
    assert "--set epochs=3 cannot be combined with 'all'" in captured.err
    assert "unknown experiment" not in captured.err
