"""Every node-classification dataset of the shared data loads with its documented counts.

The expected numbers are those of the data folder's README (graphs/README.md): nodes,
stored edges (PyG's coalesced ``edge_index``), undirected edges (unique unordered pairs
without self-loops), features, classes and the size of split 0 (or of the public split).
Several of them are also published: the STATS tables of PyG's ``WebKB`` (298, 325 and
515 edges), ``Actor`` (30,019) and ``HeterophilousGraphDataset`` (39,402 and 519,000
undirected edges) docs, and the split sizes in DGL's ``CornellDataset`` (87/59/37),
``WisconsinDataset`` (120/80/51) and ``ActorDataset`` (3648/2432/1520) docs.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
import scipy.sparse.csgraph
import torch
from graphkit.datasets import DatasetNotFoundError, load_dataset
from graphkit.datasets.geom_gcn_text import read_edge_file
from torch_geometric.datasets import Planetoid
from torch_geometric.utils import coalesce, remove_self_loops, to_undirected

from graphkit.option_names import command_line_options

pytestmark = pytest.mark.realdata

# name, nodes, stored edges, undirected edges, self-loops, features, classes, split 0 sizes
GEOM_GCN_COUNTS = [
    ("cornell", 183, 298, 277, 3, 1703, 5, (87, 59, 37)),
    ("texas", 183, 325, 279, 16, 1703, 5, (87, 59, 37)),
    ("wisconsin", 251, 515, 450, 16, 1703, 5, (120, 80, 51)),
    ("actor", 7600, 30019, 26659, 93, 932, 5, (3648, 2432, 1520)),
    ("chameleon", 2277, 36101, 31371, None, 2325, 5, (1092, 729, 456)),
    ("squirrel", 5201, 217073, 198353, None, 2089, 5, (2496, 1664, 1041)),
]
# name, nodes, undirected edges, features, classes (Yandex archives, 10 splits each)
NPZ_COUNTS = [
    ("minesweeper", 10000, 39402, 7, 2),
    ("tolokers", 11758, 519000, 10, 2),
    ("chameleon-filtered", 890, 8854, 2325, 5),
    ("squirrel-filtered", 2223, 46998, 2089, 5),
]
# name, nodes, undirected edges, features, classes, public split, Geom-GCN split 0
PLANETOID_COUNTS = [
    ("cora", 2708, 5278, 1433, 7, (140, 500, 1000), (1192, 796, 497)),
    ("citeseer", 3327, 4552, 3703, 6, (120, 500, 1000), (1596, 1065, 666)),
]


def undirected_edges(data) -> int:
    edge_index, _ = remove_self_loops(data.edge_index)
    return to_undirected(edge_index, num_nodes=data.num_nodes).size(1) // 2


def mask_sizes(data, column=None) -> tuple[int, int, int]:
    masks = (data.train_mask, data.val_mask, data.test_mask)
    if column is not None:
        masks = tuple(mask[:, column] for mask in masks)
    return tuple(int(mask.sum()) for mask in masks)


@pytest.fixture
def graphs(shared_data):
    return shared_data / "graphs"


@pytest.mark.parametrize(
    "name, nodes, undirected, features, classes, public, split0", PLANETOID_COUNTS
)
def test_planetoid_counts(
    graphs, name, nodes, undirected, features, classes, public, split0
):
    data = load_dataset(name, root=graphs)
    assert data.x.shape == (nodes, features)
    assert undirected_edges(data) == undirected
    assert data.edge_index.size(1) == 2 * undirected  # both directions, no self-loops
    assert data.num_classes == classes
    assert mask_sizes(data) == public
    assert mask_sizes(load_dataset(name, root=graphs, split=0)) == split0
    all_splits = load_dataset(name, root=graphs, split="geom-gcn")
    assert all_splits.train_mask.shape == (nodes, 10)
    assert mask_sizes(all_splits, 0) == split0


def test_citeseer_isolated_nodes(graphs):
    data = load_dataset("citeseer", root=graphs)
    degree = torch.bincount(data.edge_index[0], minlength=data.num_nodes)
    assert int((degree == 0).sum()) == 48
    assert int((data.x.sum(dim=1) == 0).sum()) >= 15


@pytest.mark.parametrize("name", ["cora", "citeseer"])
def test_planetoid_without_features_matches_pyg(graphs, name, data_copy):
    """The feature-free reader gives PyG's graph, labels and public split."""
    reference = Planetoid(
        str(data_copy("graphs/planetoid")), {"cora": "Cora"}.get(name, "CiteSeer")
    )[0]
    data = load_dataset(name, root=graphs, features=False)
    assert data.x is None
    for key in ("edge_index", "y", "train_mask", "val_mask", "test_mask"):
        assert torch.equal(data[key], reference[key]), key


def test_planetoid_split_equals_file(graphs):
    data = load_dataset("cora", root=graphs, split=7)
    with np.load(
        graphs / "planetoid" / "geom_gcn_splits" / "cora_split_0.6_0.2_7.npz"
    ) as split:
        assert data.train_mask.tolist() == split["train_mask"].astype(bool).tolist()
        assert data.test_mask.tolist() == split["test_mask"].astype(bool).tolist()


def largest_component_mask(data) -> torch.Tensor:
    num_nodes = data.num_nodes
    source, target = data.edge_index.numpy()
    adjacency = scipy.sparse.coo_matrix(
        (np.ones(source.size), (source, target)), shape=(num_nodes, num_nodes)
    )
    _, component = scipy.sparse.csgraph.connected_components(adjacency, directed=False)
    largest = np.bincount(component).argmax()
    return torch.from_numpy(component == largest)


@pytest.mark.parametrize(
    "name, largest_component, splits_on_component",
    [
        ("cora", 2485, set(range(10))),
        ("citeseer", 2120, {4, 5}),
        ("pubmed", 19717, set()),
    ],
)
def test_geom_gcn_planetoid_split_coverage(
    graphs, name, largest_component, splits_on_component
):
    """Some Geom-GCN Planetoid splits label only the largest connected component.

    All ten Cora splits (1192/796/497 nodes) and CiteSeer splits 4 and 5 (1017/679/424)
    label exactly that component, so accuracies on them cover the component only. The
    other CiteSeer splits and all PubMed splits label every node.
    """
    data = load_dataset(name, root=graphs, split="geom-gcn", features=False)
    component = largest_component_mask(data)
    assert int(component.sum()) == largest_component
    for k in range(10):
        labelled = data.train_mask[:, k] | data.val_mask[:, k] | data.test_mask[:, k]
        if k in splits_on_component:
            assert torch.equal(labelled, component), k
        else:
            assert bool(labelled.all()), k


def test_pubmed_requires_features_false(graphs):
    with pytest.raises(DatasetNotFoundError) as info:
        load_dataset("pubmed", root=graphs)
    message = str(info.value)
    assert "ind.pubmed.allx" in message
    assert "features=False" in message


def test_pubmed_hint_on_command_line(graphs):
    # graphkit train needs node features, so the command-line hint names graphkit
    # analyze instead of features=False.
    with command_line_options(), pytest.raises(DatasetNotFoundError) as info:
        load_dataset("pubmed", root=graphs)
    message = str(info.value)
    assert "graphkit analyze reads pubmed" in message
    assert "training needs the missing feature files" in message
    assert "pass features=False" not in message


def test_pubmed_graph_and_labels(graphs):
    data = load_dataset("pubmed", root=graphs, features=False)
    assert data.num_nodes == 19717
    assert undirected_edges(data) == 44324
    assert data.num_classes == 3
    assert torch.bincount(data.y).tolist() == [4103, 7739, 7875]
    assert mask_sizes(data) == (60, 500, 1000)
    assert mask_sizes(load_dataset("pubmed", root=graphs, split=0, features=False)) == (
        9463,
        6310,
        3944,
    )


@pytest.mark.parametrize(
    "name, nodes, stored, undirected, self_loops, features, classes, split0",
    GEOM_GCN_COUNTS,
)
def test_geom_gcn_counts(
    graphs, name, nodes, stored, undirected, self_loops, features, classes, split0
):
    data = load_dataset(name, root=graphs)
    assert data.x.shape == (nodes, features)
    assert data.edge_index.size(1) == stored
    assert undirected_edges(data) == undirected
    if self_loops is not None:
        assert int((data.edge_index[0] == data.edge_index[1]).sum()) == self_loops
    assert data.num_classes == classes
    assert data.train_mask.shape == (nodes, 10)
    assert mask_sizes(data, 0) == split0
    assert mask_sizes(load_dataset(name, root=graphs, split=0)) == split0


def test_actor_duplicate_edges_merged(graphs):
    """Actor's edge file lists 33,391 edges, of which 30,019 are distinct.

    DGL's ``ActorDataset`` documents 33,391 edges (it keeps the repeats), PyG's
    ``Actor`` documents 30,019. The loader follows PyG, so edge counts and degrees
    differ from DGL's on this graph.
    """
    listed = read_edge_file(graphs / "actor" / "raw" / "out1_graph_edges.txt")
    assert listed.size(1) == 33_391
    data = load_dataset("actor", root=graphs, features=False)
    assert data.edge_index.size(1) == 30_019
    assert torch.equal(data.edge_index, coalesce(listed, num_nodes=7600))


@pytest.mark.parametrize(
    "name", ["chameleon", "squirrel", "texas", "wisconsin", "actor"]
)
def test_geom_gcn_matches_yandex_archive(graphs, name):
    """The Yandex archive is the Geom-GCN graph made undirected, without self-loops.

    Features, labels and the ten splits are equal. Cornell differs (see below).
    """
    geom = load_dataset(name, root=graphs)
    yandex = load_dataset(name, root=graphs, source="yandex")
    assert torch.equal(geom.x, yandex.x)
    assert torch.equal(geom.y, yandex.y)
    for key in ("train_mask", "val_mask", "test_mask"):
        assert torch.equal(geom[key], yandex[key]), key
    geom_undirected = to_undirected(
        remove_self_loops(geom.edge_index)[0], num_nodes=geom.num_nodes
    )
    assert torch.equal(geom_undirected, yandex.edge_index)


def test_cornell_sources_differ(graphs):
    """The Geom-GCN cornell carries Texas's labels; the Yandex archive has Cornell's own."""
    geom = load_dataset("cornell", root=graphs)
    yandex = load_dataset("cornell", root=graphs, source="yandex")
    assert torch.bincount(geom.y).tolist() == [33, 1, 18, 101, 30]
    assert torch.bincount(yandex.y).tolist() == [38, 16, 30, 82, 17]
    assert undirected_edges(yandex) == 277


@pytest.mark.parametrize("name, nodes, undirected, features, classes", NPZ_COUNTS)
def test_yandex_counts(graphs, name, nodes, undirected, features, classes):
    data = load_dataset(name, root=graphs)
    assert data.x.shape == (nodes, features)
    assert data.edge_index.size(1) == 2 * undirected
    assert data.num_classes == classes
    assert data.train_mask.shape == (nodes, 10)
    assert not (data.train_mask & data.test_mask).any()


@pytest.mark.parametrize("name", ["minesweeper", "tolokers"])
def test_heterophilous_split_fractions(graphs, name):
    data = load_dataset(name, root=graphs, split=3)
    train, val, test = mask_sizes(data)
    assert train == data.num_nodes // 2
    assert abs(val - data.num_nodes / 4) <= 1
    assert train + val + test == data.num_nodes


def test_family_folder_copy_writable(data_copy):
    """A writable copy of one family folder works as root; PyG writes processed/ there."""
    root = data_copy("graphs/webkb")
    data = load_dataset("wisconsin", root=root)
    assert data.num_nodes == 251
    assert (root / "wisconsin" / "processed").is_dir()


def test_shared_root_left_unchanged(graphs, private_cache):
    before = sorted(str(path) for path in (graphs / "webkb").rglob("*"))
    load_dataset("texas", root=graphs / "webkb")
    assert sorted(str(path) for path in (graphs / "webkb").rglob("*")) == before
    assert list(private_cache.rglob("texas/processed/data.pt"))
