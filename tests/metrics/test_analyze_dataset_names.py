"""graphkit analyze checks every --dataset name before it loads the first one."""

from __future__ import annotations

import graphkit.datasets
import pytest
from graphkit.launch.cli import main


def test_unknown_second_name_rejected_first(tmp_path, monkeypatch, capsys):
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n")
    loaded = []
    monkeypatch.setattr(
        graphkit.datasets, "load_dataset", lambda name, **_: loaded.append(name)
    )
    argv = ["analyze", "--dataset", str(edges), "--dataset", "coraa"]
    assert main(argv) == 2
    # No graph is loaded, because every name is checked before the first load.
    assert loaded == []
    assert "unknown dataset 'coraa' (did you mean 'cora'?)" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["Cora", "roman_empire", "FILM"])
def test_registered_spellings_accepted(name):
    from graphkit.launch.cmd_analyze import _check_dataset_names

    _check_dataset_names([name])
