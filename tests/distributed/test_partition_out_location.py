"""graphkit partition rejects an --out location where no folder can be made, at once."""

import os

import pytest

import graphkit.datasets
from graphkit.launch.cli import run


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
@pytest.mark.parametrize("out", ["/proc/graphkit-parts", "/proc/a/b/parts"])
def test_unwritable_location_rejected_before_loading(out, monkeypatch, capsys):
    def fail(*args, **kwargs):
        raise AssertionError("the dataset was loaded before --out was checked")

    monkeypatch.setattr(graphkit.datasets, "load_dataset", fail)
    code = run(["partition", "--parts", "2", "--out", out])
    assert code == 2
    error = capsys.readouterr().err
    assert f"graphkit partition: error: --out {out} cannot be created" in error
    assert "making a folder in /proc failed" in error


def test_missing_parents_accepted(tmp_path, capsys):
    out = tmp_path / "new" / "parts"
    options = ["--dataset-options", "{num_nodes: 60}"]
    assert run(["partition", "--parts", "2", "--out", str(out), *options]) == 0
    assert (out / "meta.json").is_file()
    # The check leaves no folder of its own behind.
    assert sorted(p.name for p in out.parent.iterdir()) == ["parts"]
