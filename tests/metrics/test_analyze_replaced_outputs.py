"""graphkit analyze replaces earlier output files and logs each one it replaced.

--plot behaves as --json and --csv do: a file of the same name is replaced, and
other files in the --plot folder are kept.
"""

from __future__ import annotations

from graphkit.launch.cli import main

KINDS = ("compatibility", "local_homophily", "nic_by_size")


def _log_lines(err: str, verb: str) -> list[str]:
    return [line.split(": ", 1)[1] for line in err.splitlines() if f": {verb} " in line]


def test_rerun_logs_replaced_outputs(tmp_path, capsys):
    edges = tmp_path / "edges.txt"
    labels = tmp_path / "labels.txt"
    edges.write_text("0 1\n1 2\n2 3\n")
    labels.write_text("0 0\n1 1\n2 0\n3 1\n")
    plots, out_json = tmp_path / "plots", tmp_path / "r.json"
    plots.mkdir()
    other = plots / "notes.txt"
    other.write_text("kept")
    argv = ["analyze", "--edge-list", str(edges), "--labels", str(labels)]
    argv += ["--plot", str(plots), "--json", str(out_json)]
    images = [str(plots / f"edges_{kind}.png") for kind in KINDS]

    assert main(argv) == 0
    first = capsys.readouterr().err
    assert _log_lines(first, "wrote") == [f"wrote {path}" for path in images] + [
        f"wrote {out_json}"
    ]
    assert _log_lines(first, "replaced") == []

    assert main(argv) == 0
    second = capsys.readouterr().err
    assert _log_lines(second, "wrote") == []
    assert _log_lines(second, "replaced") == [
        f"replaced {path}" for path in images
    ] + [f"replaced {out_json}"]
    assert other.read_text() == "kept"
