"""Loaders that read files without PyG give the tensors that PyG's functions give."""

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from graphkit.datasets import GraphTensors, load_dataset
from graphkit.datasets.edge_keys import coalesce_edges, symmetric_edges
from graphkit.datasets.geom_gcn_text import read_edge_file
from graphkit.datasets.heterophilous import read_npz_graph
from graphkit.datasets.planetoid import read_planetoid_labels
from torch_geometric.datasets import Planetoid
from torch_geometric.io.planetoid import (
    edge_index_from_dict,
    read_file,
    read_planetoid_data,
)
from torch_geometric.utils import coalesce, to_undirected


def test_coalesce_edges_tiny():
    edge_index = torch.tensor([[2, 0, 2, 1, 0], [1, 2, 1, 1, 0]])
    expected = torch.tensor([[0, 0, 1, 2], [0, 2, 1, 1]])
    assert torch.equal(coalesce_edges(edge_index, 3), expected)


def test_coalesce_edges_by_target_tiny():
    edge_index = torch.tensor([[2, 0, 2, 1, 0], [1, 2, 1, 1, 0]])
    expected = torch.tensor([[0, 1, 2, 0], [0, 1, 1, 2]])
    assert torch.equal(coalesce_edges(edge_index, 3, sort_by_row=False), expected)


def test_symmetric_edges_tiny():
    edge_index = torch.tensor([[0, 2, 1], [1, 1, 0]])
    expected = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    assert torch.equal(symmetric_edges(edge_index, 3), expected)


def test_empty_edges():
    empty = torch.empty(2, 0, dtype=torch.long)
    assert coalesce_edges(empty, 0).shape == (2, 0)
    assert symmetric_edges(empty, 4).shape == (2, 0)


def test_edge_helpers_match_pyg():
    generator = torch.Generator().manual_seed(0)
    edge_index = torch.randint(0, 50, (2, 400), generator=generator)
    assert torch.equal(coalesce_edges(edge_index, 50), coalesce(edge_index, num_nodes=50))
    assert torch.equal(
        coalesce_edges(edge_index, 50, sort_by_row=False),
        coalesce(edge_index, num_nodes=50, sort_by_row=False),
    )
    assert torch.equal(
        symmetric_edges(edge_index, 50), to_undirected(edge_index, num_nodes=50)
    )


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "folder"), [
    ("cora", "Cora"), ("citeseer", "CiteSeer"), ("pubmed", "PubMed")
])
def test_planetoid_labels_match_pyg_readers(shared_data, name, folder):
    raw = shared_data / "graphs" / "planetoid" / folder / "raw"
    tensors = read_planetoid_labels(raw, name)
    assert isinstance(tensors, GraphTensors)
    num_nodes = tensors.num_nodes
    graph = read_file(str(raw), name, "graph")
    test_index = read_file(str(raw), name, "test.index")
    expected_edges = edge_index_from_dict(graph, num_nodes=num_nodes)
    assert torch.equal(tensors.edge_index, expected_edges)
    assert torch.equal(tensors.test_mask.nonzero().view(-1), test_index.sort().values)
    num_train = read_file(str(raw), name, "y").size(0)
    assert torch.equal(tensors.train_mask.nonzero().view(-1), torch.arange(num_train))
    assert torch.equal(
        tensors.val_mask.nonzero().view(-1), torch.arange(num_train, num_train + 500)
    )


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "folder"), [("cora", "Cora"), ("citeseer", "CiteSeer")])
def test_planetoid_labels_match_pyg_dataset(data_copy, name, folder):
    family = data_copy("graphs/planetoid")
    tensors = read_planetoid_labels(family / folder / "raw", name)
    data = Planetoid(str(family), folder, split="public")[0]
    assert torch.equal(tensors.y, data.y)
    assert torch.equal(tensors.edge_index, data.edge_index)
    for key in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(tensors[key], data[key]), key


@pytest.mark.realdata
@pytest.mark.parametrize("stem", ["chameleon", "chameleon_filtered", "cornell"])
def test_npz_graph_matches_to_undirected(shared_data, stem):
    path = shared_data / "graphs" / "yandex_npz" / f"{stem}.npz"
    tensors = read_npz_graph(path)
    with np.load(path) as archive:
        edges = torch.from_numpy(archive["edges"].astype(np.int64)).t()
        num_nodes = archive["node_features"].shape[0]
    assert torch.equal(tensors.edge_index, to_undirected(edges, num_nodes=num_nodes))
    assert tensors.num_nodes == num_nodes


@pytest.mark.realdata
def test_chameleon_edges_match_coalesce(shared_data):
    root = shared_data / "graphs"
    data = load_dataset("chameleon", root=root)
    edge_file = Path(root, "wikipedia", "chameleon", "geom_gcn", "raw", "out1_graph_edges.txt")
    edges = read_edge_file(edge_file, data.num_nodes)
    assert torch.equal(data.edge_index, coalesce(edges, num_nodes=data.num_nodes))
    assert type(data).__name__ == "Data"
    plain = load_dataset("chameleon", root=root, pyg_data=False)
    assert isinstance(plain, GraphTensors)
    assert torch.equal(plain.edge_index, data.edge_index)


@pytest.mark.realdata
def test_cora_without_features_is_data(shared_data):
    data = load_dataset("cora", root=shared_data / "graphs", features=False)
    assert type(data).__name__ == "Data"
    expected = {"edge_index", "y", "train_mask", "val_mask", "test_mask", "num_nodes",
                "num_classes"}
    assert set(data.keys()) == expected
    assert data.num_nodes == 2708
    assert data.num_classes == 7
    assert data.x is None


def _write_tiny_citeseer(folder: Path) -> None:
    """Write Planetoid files of 510 nodes in the CiteSeer form: a gap in the test ids.

    Training rows are nodes 0 and 1, ``ally`` covers nodes 0..504 (class = id % 3),
    and ``test.index`` lists 509, 506, 505, 507 in that order, so ``ty`` row i labels
    node ``test.index[i]``. Node 508 lies in the range of the test ids without a row.
    Validation needs 500 nodes after the training rows, hence the size.
    """

    def one_hot(classes):
        return np.eye(3, dtype=np.float32)[classes]

    arrays = {
        "x": np.zeros((2, 2), np.float32),
        "y": one_hot([0, 1]),
        "allx": np.zeros((505, 2), np.float32),
        "ally": one_hot(np.arange(505) % 3),
        "tx": np.zeros((4, 2), np.float32),
        "ty": one_hot([2, 1, 0, 1]),
        # Self-loops (0, 0) and (509, 509) and the repeated 0 -> 1 are dropped.
        "graph": {0: [1, 1, 0], 1: [0], 508: [2], 2: [508], 509: [509]},
    }
    for kind, value in arrays.items():
        with (folder / f"ind.citeseer.{kind}").open("wb") as handle:
            pickle.dump(value, handle)
    (folder / "ind.citeseer.test.index").write_text("509\n506\n505\n507\n")


def test_planetoid_labels_tiny_hand_values(tmp_path):
    _write_tiny_citeseer(tmp_path)
    tensors = read_planetoid_labels(tmp_path, "citeseer")
    assert tensors.num_nodes == 510
    assert tensors.y[:6].tolist() == [0, 1, 2, 0, 1, 2]
    # Test rows in file order: 509 -> 2, 506 -> 1, 505 -> 0, 507 -> 1. Node 508 gets 0.
    assert tensors.y[505:].tolist() == [0, 1, 1, 0, 2]
    assert tensors.edge_index.tolist() == [[1, 0, 508, 2], [0, 1, 2, 508]]
    assert tensors.train_mask.nonzero().view(-1).tolist() == [0, 1]
    assert tensors.val_mask.nonzero().view(-1).tolist() == list(range(2, 502))
    assert tensors.test_mask.nonzero().view(-1).tolist() == [505, 506, 507, 509]


def test_planetoid_labels_tiny_match_pyg(tmp_path):
    _write_tiny_citeseer(tmp_path)
    tensors = read_planetoid_labels(tmp_path, "citeseer")
    data = read_planetoid_data(str(tmp_path), "citeseer")
    assert torch.equal(tensors.y, data.y)
    assert torch.equal(tensors.edge_index, data.edge_index)
    for key in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(tensors[key], data[key]), key
