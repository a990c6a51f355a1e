"""graphkit isvd nodeclass on an edge list without labels names the missing labels."""

import argparse

import pytest
from graphkit.launch import cmd_isvd


def run_isvd(argv):
    parser = argparse.ArgumentParser(prog="graphkit")
    cmd_isvd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_edge_list_without_labels_rejected(tmp_path):
    (tmp_path / "edges.txt").write_text("0\t1\n1\t2\n2\t0\n")
    (tmp_path / "x.txt").write_text("0\t1.0\n1\t0.5\n2\t-1.0\n")
    options = f"{{path: {tmp_path / 'edges.txt'}, features: {tmp_path / 'x.txt'}}}"
    argv = ["isvd", "nodeclass", "--dataset", "edge-list", "--dataset-options", options]
    with pytest.raises(
        ValueError, match="data.y is missing. Training needs node labels"
    ):
        run_isvd(argv)
