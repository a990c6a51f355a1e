"""``graphkit kg finetune --out`` that cannot be created fails before any work."""

import pytest
from graphkit.launch.cli import main


def test_out_folder_checked_before_checkpoint(tmp_path):
    graph = tmp_path / "triples.tsv"
    graph.write_text("a\tr\tb\n")
    argv = ["kg", "finetune", "--checkpoint", str(tmp_path / "missing.pth")]
    # /proc accepts no new folders, even for root.
    argv += ["--graph", str(graph), "--out", "/proc/graphkit-kg-test/run"]
    with pytest.raises(SystemExit, match="--out /proc/graphkit-kg-test/run: cannot"):
        main(argv)
