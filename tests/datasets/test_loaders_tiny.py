"""Loaders on tiny raw folders written by the tests: values, layouts, cache, errors."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from graphkit.datasets import (
    DatasetFormatError,
    DatasetNotFoundError,
    InvalidSplitError,
    MalformedLineError,
    ShapeMismatchError,
    UnknownDatasetError,
    UnknownNodeIdError,
    list_datasets,
    load_dataset,
)
from graphkit.datasets.geom_gcn_text import check_node_file
from graphkit.datasets.layout import _cache_key
from graphkit.datasets.ogb_nodes import _to_graphkit
from graphkit.datasets.registry import count_classes
from torch_geometric.data import Data
from torch_geometric.datasets import HeterophilousGraphDataset

from graphkit.option_names import command_line_options


def test_webkb_tiny_values(tiny_webkb):
    data = load_dataset("texas", root=tiny_webkb)
    assert data.x.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]]
    assert data.y.tolist() == [0, 1, 2, 0]
    # The duplicate (0, 1) is removed; edges stay directed as in the file.
    assert data.edge_index.tolist() == [[0, 1, 2, 3], [1, 2, 3, 0]]
    assert data.train_mask.shape == (4, 10)
    assert data.num_classes == 3


def test_webkb_split_selects_column(tiny_webkb):
    data = load_dataset("texas", root=tiny_webkb, split=2)
    assert data.train_mask.tolist() == [False, False, True, False]
    assert data.val_mask.tolist() == [False, False, False, True]
    assert data.test_mask.tolist() == [True, True, False, False]


def test_features_false_keeps_num_nodes(tiny_webkb):
    data = load_dataset("texas", root=tiny_webkb, features=False)
    assert data.x is None
    assert data.num_nodes == 4
    assert data.y.tolist() == [0, 1, 2, 0]


def test_to_undirected_adds_reverse(tiny_webkb):
    data = load_dataset("texas", root=tiny_webkb, to_undirected=True)
    assert data.edge_index.size(1) == 8


def test_family_folder_as_root(tiny_webkb):
    data = load_dataset("texas", root=tiny_webkb / "webkb")
    assert data.num_nodes == 4


def test_writable_root_processed_in_place(tiny_webkb, private_cache, snapshot):
    load_dataset("texas", root=tiny_webkb)
    assert (tiny_webkb / "webkb" / "texas" / "processed" / "data.pt").is_file()
    assert list(private_cache.rglob("processed")) == []


def test_read_only_root_uses_cache(tiny_webkb, private_cache, read_only, snapshot):
    before = snapshot(tiny_webkb)
    read_only(tiny_webkb)
    first = load_dataset("texas", root=tiny_webkb)
    second = load_dataset("texas", root=tiny_webkb)
    assert snapshot(tiny_webkb) == before
    processed = list(private_cache.rglob("processed/data.pt"))
    assert len(processed) == 1
    assert torch.equal(first.x, second.x)


def test_concurrent_loads_share_cache(tiny_webkb, private_cache, read_only):
    """Two loads at once: the lock lets one process the copy while the other waits."""
    from concurrent.futures import ThreadPoolExecutor

    read_only(tiny_webkb)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda _: load_dataset("texas", root=tiny_webkb), range(2))
        )
    assert torch.equal(results[0].x, results[1].x)
    assert len(list(private_cache.rglob("processed/data.pt"))) == 1
    assert list(private_cache.rglob("*.tmp-*")) == []


def test_env_data_root(tiny_webkb, monkeypatch):
    monkeypatch.setenv("GRAPHKIT_DATA", str(tiny_webkb))
    assert load_dataset("texas").num_nodes == 4


def test_no_root_error():
    with pytest.raises(DatasetNotFoundError, match="GRAPHKIT_DATA"):
        load_dataset("cora")


def test_unknown_name_lists_known():
    with pytest.raises(UnknownDatasetError) as info:
        load_dataset("corra")
    message = str(info.value)
    assert "'corra'" in message
    for name in ("cora", "squirrel", "tolokers", "synthetic"):
        assert name in message
    assert isinstance(info.value, ValueError)


def test_list_datasets_names():
    names = list_datasets()
    expected = {"cora", "citeseer", "pubmed", "cornell", "texas", "wisconsin", "actor"}
    expected |= {"chameleon", "squirrel", "minesweeper", "tolokers", "roman-empire"}
    expected |= {"ogbn-arxiv", "synthetic", "edge-list", "chameleon-filtered"}
    assert expected <= set(names)
    assert names == sorted(names)


def test_name_spelling_is_normalised(tiny_webkb):
    assert load_dataset("TEXAS", root=tiny_webkb).num_nodes == 4


def test_missing_file_error(tiny_webkb, snapshot):
    (tiny_webkb / "webkb" / "texas" / "raw" / "out1_graph_edges.txt").unlink()
    before = snapshot(tiny_webkb)
    with pytest.raises(DatasetNotFoundError) as info:
        load_dataset("texas", root=tiny_webkb)
    message = str(info.value)
    assert (
        str(tiny_webkb / "webkb" / "texas" / "raw" / "out1_graph_edges.txt") in message
    )
    assert "should contain out1_node_feature_label.txt" in message
    assert isinstance(info.value, FileNotFoundError)
    assert snapshot(tiny_webkb) == before


def test_planetoid_unknown_split_name(tmp_path):
    with pytest.raises(InvalidSplitError, match="unknown split 'random'"):
        load_dataset("cora", root=tmp_path, split="random")


def test_missing_planetoid_file_error(tmp_path):
    raw = tmp_path / "planetoid" / "Cora" / "raw"
    raw.mkdir(parents=True)
    with pytest.raises(DatasetNotFoundError, match=r"ind\.cora\.x.*ind\.cora\.\{x,tx"):
        load_dataset("cora", root=tmp_path)


def test_corrupt_planetoid_file_error(tmp_path, snapshot):
    raw = tmp_path / "planetoid" / "Cora" / "raw"
    raw.mkdir(parents=True)
    for kind in ("x", "tx", "allx", "y", "ty", "ally", "graph"):
        (raw / f"ind.cora.{kind}").write_bytes(b"not a pickle")
    (raw / "ind.cora.test.index").write_text("0\n")
    before = snapshot(tmp_path)
    with pytest.raises(
        DatasetFormatError, match=r"could not read the Planetoid files in .*Cora/raw"
    ):
        load_dataset("cora", root=tmp_path)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "file, line_number, bad_line, reason",
    [
        ("out1_node_feature_label.txt", 3, "1\t0,1\t1", "2 feature values"),
        ("out1_node_feature_label.txt", 4, "2\t0,0,1", "3 tab-separated fields"),
        ("out1_node_feature_label.txt", 2, "0\t1,0,x\t0", "comma-separated numbers"),
        ("out1_graph_edges.txt", 4, "2\tthree", "'three' is not an integer"),
        ("out1_graph_edges.txt", 2, "0 1", "2 tab-separated node ids"),
    ],
)
def test_malformed_line_error(
    tiny_webkb, snapshot, file, line_number, bad_line, reason
):
    path = tiny_webkb / "webkb" / "texas" / "raw" / file
    lines = path.read_text().split("\n")
    lines[line_number - 1] = bad_line
    path.write_text("\n".join(lines))
    before = snapshot(tiny_webkb)
    with pytest.raises(MalformedLineError) as info:
        load_dataset("texas", root=tiny_webkb)
    message = str(info.value)
    assert message.startswith(f"{path}:{line_number}: ")
    assert reason in message
    assert repr(bad_line) in message
    assert info.value.line_number == line_number
    assert snapshot(tiny_webkb) == before


# Node ids are 0..3, so 4 is the smallest id that is out of range.
@pytest.mark.parametrize("target", [7, 4], ids=["far_past_end", "first_past_end"])
def test_edge_to_unknown_node_error(tiny_webkb, target):
    path = tiny_webkb / "webkb" / "texas" / "raw" / "out1_graph_edges.txt"
    path.write_text(path.read_text() + f"3\t{target}\n")
    with pytest.raises(
        UnknownNodeIdError, match=rf"out1_graph_edges.txt:7: .*node {target}.*0\.\.3"
    ):
        load_dataset("texas", root=tiny_webkb)


def test_sparse_node_file_missing_id_error(tmp_path):
    # Actor's sparse node file may list ids in any order, but all of 0..N-1.
    path = tmp_path / "out1_node_feature_label.txt"
    path.write_text("node_id\tfeature\tlabel\n2\t0,5\t1\n0\t3\t0\n")
    with pytest.raises(MalformedLineError) as caught:
        check_node_file(path, sparse=True)
    # The message points at the line of the id past the end, not at the header.
    assert str(caught.value) == (
        f"{path}:2: node id 2 is out of range: the file lists 2 nodes, so the ids must "
        "be 0..1. Out-of-range ids: [2]. Missing ids: [1]; line content: '2\\t0,5\\t1'"
    )

    path.write_text("node_id\tfeature\tlabel\n0\t3\t0\n5\t1\t1\n7\t1\t1\n1\t1\t1\n")
    pattern = (
        r":3: node id 5 .* 0\.\.3\. Out-of-range ids: \[5, 7\]. Missing ids: \[2, 3\]"
    )
    with pytest.raises(MalformedLineError, match=pattern):
        check_node_file(path, sparse=True)

    path.write_text("node_id\tfeature\tlabel\n1\t0,5\t1\n0\t3\t0\n")
    assert check_node_file(path, sparse=True) == 2


def test_missing_final_newline_error(tiny_webkb):
    path = tiny_webkb / "webkb" / "texas" / "raw" / "out1_graph_edges.txt"
    path.write_text(path.read_text().rstrip("\n"))
    with pytest.raises(MalformedLineError, match="does not end with a newline"):
        load_dataset("texas", root=tiny_webkb)


def test_invalid_split_error(tiny_webkb):
    with pytest.raises(
        InvalidSplitError, match=r"split 10 does not exist; valid splits are 0\.\.9"
    ):
        load_dataset("texas", root=tiny_webkb, split=10)


def test_split_error_on_command_line(tiny_webkb):
    # A command line cannot pass None, so the hint names the flag to leave out.
    with command_line_options(), pytest.raises(InvalidSplitError) as raised:
        load_dataset("texas", root=tiny_webkb, split=10)
    message = str(raised.value)
    assert "valid splits are 0..9 (leave --split out for the default)" in message
    assert "None" not in message


def write_npz(path, num_nodes=5, num_labels=5, edges=((0, 1), (1, 2), (3, 4))):
    path.parent.mkdir(parents=True, exist_ok=True)
    masks = np.zeros((10, num_nodes), dtype=bool)
    masks[:, 0] = True
    np.savez(
        path,
        node_features=np.arange(num_nodes * 2, dtype=np.float32).reshape(num_nodes, 2),
        node_labels=np.arange(num_labels) % 2,
        edges=np.array(edges, dtype=np.int64),
        train_masks=masks,
        val_masks=np.roll(masks, 1, axis=1),
        test_masks=np.roll(masks, 2, axis=1),
    )


def test_yandex_npz_values(tmp_path):
    write_npz(tmp_path / "yandex_npz" / "chameleon_filtered.npz")
    data = load_dataset("chameleon_filtered", root=tmp_path, split=0)
    assert data.edge_index.tolist() == [[0, 1, 1, 2, 3, 4], [1, 0, 2, 1, 4, 3]]
    assert data.y.tolist() == [0, 1, 0, 1, 0]
    assert data.x[4].tolist() == [8.0, 9.0]
    assert data.train_mask.tolist() == [True, False, False, False, False]
    assert data.val_mask.tolist() == [False, True, False, False, False]


def test_npz_feature_label_mismatch(tmp_path):
    write_npz(tmp_path / "yandex_npz" / "chameleon_filtered.npz", num_labels=4)
    with pytest.raises(ShapeMismatchError) as info:
        load_dataset("chameleon-filtered", root=tmp_path)
    assert "(5, 2)" in str(info.value)
    assert "(4,)" in str(info.value)


def test_npz_edge_out_of_range(tmp_path):
    write_npz(tmp_path / "yandex_npz" / "squirrel_filtered.npz", edges=((0, 9),))
    with pytest.raises(UnknownNodeIdError, match=r"\[9\] outside 0\.\.4"):
        load_dataset("squirrel-filtered", root=tmp_path)


def test_npz_missing_key(tmp_path):
    path = tmp_path / "yandex_npz" / "squirrel_filtered.npz"
    path.parent.mkdir()
    np.savez(path, node_features=np.zeros((2, 2)))
    with pytest.raises(DatasetFormatError, match="lacks the array"):
        load_dataset("squirrel-filtered", root=tmp_path)


def test_heterophilous_pyg_layout(tmp_path, read_only, snapshot):
    write_npz(tmp_path / "heterophilous" / "minesweeper" / "raw" / "minesweeper.npz")
    before = snapshot(tmp_path)
    read_only(tmp_path)
    data = load_dataset("minesweeper", root=tmp_path)
    assert data.edge_index.size(1) == 6
    assert data.train_mask.shape == (5, 10)
    assert snapshot(tmp_path) == before


def test_heterophilous_stale_directed_file(tmp_path, caplog):
    """A processed file with one direction per edge gets the reverse edges back.

    torch_geometric 2.3.0 and older wrote such files, and PyG reuses them as they are.
    """
    family = tmp_path / "heterophilous"
    write_npz(family / "minesweeper" / "raw" / "minesweeper.npz")
    fresh = load_dataset("minesweeper", root=tmp_path)
    stale = fresh.clone()
    stale.edge_index = torch.tensor([[0, 1, 3], [1, 2, 4]])
    processed = family / "minesweeper" / "processed" / "data.pt"
    HeterophilousGraphDataset.save([stale], str(processed))
    data = load_dataset("minesweeper", root=tmp_path)
    assert data.edge_index.tolist() == fresh.edge_index.tolist()
    assert "contains one direction of some edges" in caplog.text
    assert str(processed.parent) in caplog.text


def test_heterophilous_falls_back_to_yandex_folder(tmp_path):
    write_npz(tmp_path / "yandex_npz" / "tolokers.npz")
    assert load_dataset("tolokers", root=tmp_path).num_nodes == 5


def test_wikipedia_features_from_npz(tmp_path):
    """chameleon: edges and splits from the Geom-GCN folder, features from the npz."""
    write_npz(tmp_path / "yandex_npz" / "chameleon.npz")
    raw = tmp_path / "wikipedia" / "chameleon" / "geom_gcn" / "raw"
    raw.mkdir(parents=True)
    (raw / "out1_graph_edges.txt").write_text(
        "node_id\tnode_id\n0\t1\n2\t1\n2\t1\n4\t4\n"
    )
    for k in range(10):
        mask = np.eye(5, dtype=bool)[k % 5]
        np.savez(
            raw / f"chameleon_split_0.6_0.2_{k}.npz",
            train_mask=mask,
            val_mask=~mask,
            test_mask=~mask,
        )
    data = load_dataset("chameleon", root=tmp_path)
    assert data.edge_index.tolist() == [[0, 2, 4], [1, 1, 4]]
    assert data.x[4].tolist() == [8.0, 9.0]
    assert data.train_mask[:, 3].tolist() == [False, False, False, True, False]


def test_wikipedia_without_features_error(tmp_path):
    raw = tmp_path / "wikipedia" / "squirrel" / "geom_gcn" / "raw"
    raw.mkdir(parents=True)
    (raw / "out1_graph_edges.txt").write_text("node_id\tnode_id\n0\t1\n")
    for k in range(10):
        np.savez(
            raw / f"squirrel_split_0.6_0.2_{k}.npz",
            train_mask=[1],
            val_mask=[0],
            test_mask=[0],
        )
    with pytest.raises(
        DatasetNotFoundError, match=r"squirrel\.npz.*out1_node_feature_label\.txt"
    ):
        load_dataset("squirrel", root=tmp_path)


def test_ogb_missing_without_download(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="download=True"):
        load_dataset("ogbn-arxiv", root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_ogb_heterogeneous_rejected(tmp_path):
    with pytest.raises(DatasetFormatError, match="heterogeneous"):
        load_dataset("ogbn-mag", root=tmp_path)


def test_synthetic_split_validation():
    with pytest.raises(InvalidSplitError, match="valid splits are 0..0"):
        load_dataset("synthetic", num_nodes=100, split=1)


def write_tiny_ogbn_arxiv(root):
    """Write a 5-node graph in the layout of OGB's extracted ogbn-arxiv folder."""
    import gzip

    base = root / "ogb" / "ogbn_arxiv"
    tables = {
        "raw/edge.csv.gz": [(0, 1), (1, 2), (2, 3), (4, 0)],
        "raw/num-node-list.csv.gz": [(5,)],
        "raw/num-edge-list.csv.gz": [(4,)],
        "raw/node-feat.csv.gz": [(i + 0.5, -i) for i in range(5)],
        "raw/node_year.csv.gz": [(2000 + i,) for i in range(5)],
        "raw/node-label.csv.gz": [(i % 3,) for i in range(5)],
        "split/time/train.csv.gz": [(0,), (1,)],
        "split/time/valid.csv.gz": [(2,)],
        "split/time/test.csv.gz": [(3,), (4,)],
    }
    for name, rows in tables.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt") as handle:
            handle.writelines(",".join(map(str, row)) + "\n" for row in rows)
    (base / "RELEASE_v1.txt").write_text("1\n")


def test_ogb_tiny_read_only(tmp_path, read_only, snapshot):
    write_tiny_ogbn_arxiv(tmp_path)
    before = snapshot(tmp_path)
    read_only(tmp_path)
    data = load_dataset("ogbn-arxiv", root=tmp_path)
    assert snapshot(tmp_path) == before
    assert data.x.tolist() == [[i + 0.5, -i] for i in range(5)]
    assert data.y.tolist() == [0, 1, 2, 0, 1]
    assert data.edge_index.tolist() == [[0, 1, 2, 4], [1, 2, 3, 0]]
    assert data.train_mask.tolist() == [True, True, False, False, False]
    assert data.val_mask.tolist() == [False, False, True, False, False]
    assert data.test_mask.tolist() == [False, False, False, True, True]
    assert data.num_classes == 40  # from OGB's table, not from the 3 labels present


def test_ogb_folder_without_release_file(tmp_path):
    write_tiny_ogbn_arxiv(tmp_path)
    (tmp_path / "ogb" / "ogbn_arxiv" / "RELEASE_v1.txt").unlink()
    with pytest.raises(DatasetFormatError, match="RELEASE_v<version>.txt"):
        load_dataset("ogbn-arxiv", root=tmp_path / "ogb")


def test_ogb_features_from_edge_mean_and_nan_labels():
    # Without x (as in ogbn-proteins) a node's features are the mean of the
    # features of its incoming edges. A NaN label becomes -1.
    graph = Data(
        edge_index=torch.tensor([[1, 2, 0], [0, 0, 1]]),
        edge_attr=torch.tensor([[1.0], [3.0], [5.0]]),
        y=torch.tensor([[1.0], [float("nan")], [0.0]]),
        num_nodes=3,
    )
    index = {
        "train": torch.tensor([0]),
        "valid": torch.tensor([1]),
        "test": torch.tensor([2]),
    }
    data = _to_graphkit(graph, index, "tiny")
    assert data.x.tolist() == [[2.0], [5.0], [0.0]]
    assert data.y.tolist() == [1, -1, 0]
    assert data.train_mask.tolist() == [True, False, False]
    assert data.val_mask.tolist() == [False, True, False]
    assert data.test_mask.tolist() == [False, False, True]


def test_cache_key_changes_with_modification_time(tmp_path):
    # A raw file replaced by one of the same size must not reuse the cached copy.
    path = tmp_path / "raw.txt"
    path.write_text("0 1\n")
    before = _cache_key(tmp_path, [path])
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert _cache_key(tmp_path, [path]) != before


def test_count_classes_is_max_label_plus_one():
    # Classes 1 and 2 have no node and -1 marks an unlabelled node: classes 0..3.
    assert count_classes(torch.tensor([0, 3, -1, 3])) == 4
    assert count_classes(torch.zeros((4, 5))) == 5
    assert count_classes(torch.zeros(0, dtype=torch.long)) == 0
