"""Partition vectors, the contiguous renumbering, payloads and partition files."""

import json

import numpy as np
import pytest
import torch
from graphkit.distributed import (
    partition_nodes,
    partition_payloads,
    partition_summary,
    relabel,
)
from graphkit.distributed.balance import balance_training_nodes
from graphkit.distributed.files import load_partition, write_partitions
from torch_geometric.data import Data

# Old ids 1, 3, 5 form partition 0 and 0, 2, 4 partition 1.
PARTS = torch.tensor([1, 0, 1, 0, 1, 0])
EDGES = torch.tensor([[0, 1, 2, 3, 4, 5, 2, 0], [1, 2, 0, 4, 5, 3, 3, 0]])


def tiny_data():
    x = torch.arange(6, dtype=torch.float).unsqueeze(1)
    mask = torch.tensor([True, False, True, False, False, True])
    return Data(x=x, y=torch.arange(6), train_mask=mask, edge_index=EDGES, num_nodes=6)


def test_relabel_is_contiguous_and_stable():
    r = relabel(PARTS, 2)
    assert r.order.tolist() == [1, 3, 5, 0, 2, 4]
    assert r.new_id.tolist() == [3, 0, 4, 1, 5, 2]
    assert r.node_ranges.tolist() == [0, 3, 6]


def test_payload_groups_edges_by_source_partition():
    payloads = dict(partition_payloads(tiny_data(), PARTS, 2))
    first = payloads[0]
    assert first["global_ids"].tolist() == [1, 3, 5]
    assert first["x"].flatten().tolist() == [1.0, 3.0, 5.0]
    assert first["train_mask"].tolist() == [False, False, True]
    # From partition 0: 5 -> 3, i.e. new source 2 into local row 1.
    assert first["edges"][0].tolist() == [[2], [1]]
    # From partition 1, in input order: 0 -> 1, 4 -> 5, 2 -> 3.
    assert first["edges"][1].tolist() == [[3, 5, 4], [0, 2, 1]]
    second = payloads[1]
    # Into old 0, 2, 4: 1 -> 2 and 3 -> 4 from partition 0; 2 -> 0, 0 -> 0 inside.
    assert second["edges"][0].tolist() == [[0, 1], [1, 2]]
    assert second["edges"][1].tolist() == [[4, 3], [0, 0]]


def test_summary_counts_cut_and_halo():
    summary = partition_summary(EDGES, PARTS, 2)
    assert summary["edge_cut"] == 5
    assert summary["halo_sizes"] == [3, 2]
    assert summary["part_sizes"] == [3, 3]


def test_random_parts_are_balanced():
    parts = partition_nodes(EDGES, 101, 4, "random", seed=3)
    sizes = torch.bincount(parts, minlength=4)
    assert int(sizes.max() - sizes.min()) <= 1
    assert torch.equal(parts, partition_nodes(EDGES, 101, 4, "random", seed=3))


def test_random_parts_depend_on_seed():
    first = partition_nodes(EDGES, 101, 4, "random", seed=3)
    second = partition_nodes(EDGES, 101, 4, "random", seed=4)
    assert not torch.equal(first, second)


@pytest.mark.parametrize("method", ["metis", "random"])
def test_more_parts_than_nodes_rejected(method):
    with pytest.raises(ValueError, match="cannot split 6 nodes into 7 partitions"):
        partition_nodes(EDGES, 6, 7, method)
    # One partition per node is the maximum.
    assert sorted(partition_nodes(EDGES, 6, 6, method).tolist()) == list(range(6))


def test_more_parts_than_nodes_names_fix():
    with pytest.raises(ValueError) as caught:
        partition_nodes(EDGES, 6, 7)
    assert str(caught.value) == (
        "cannot split 6 nodes into 7 partitions, because each partition needs a "
        "node. Use at most 6 partitions (graphkit partition --parts, or the number "
        "of processes)"
    )


def test_one_node_message_uses_singular():
    with pytest.raises(ValueError) as caught:
        partition_nodes(EDGES[:, :0], 1, 2)
    assert str(caught.value) == (
        "cannot split 1 node into 2 partitions, because each partition needs a "
        "node. Use at most 1 partition (graphkit partition --parts, or the number "
        "of processes)"
    )


def ring_of_cliques(num_cliques=8, size=25):
    blocks = []
    for c in range(num_cliques):
        nodes = torch.arange(c * size, (c + 1) * size)
        pairs = torch.combinations(nodes, 2).t()
        blocks.append(pairs)
        blocks.append(torch.tensor([[c * size], [((c + 1) % num_cliques) * size]]))
    return torch.cat(blocks, 1), num_cliques * size


def test_metis_cuts_between_cliques():
    edge_index, n = ring_of_cliques()
    parts = partition_nodes(edge_index, n, 4, "metis")
    sizes = torch.bincount(parts, minlength=4)
    assert sizes.tolist() == [50, 50, 50, 50]
    # The best cut keeps cliques whole and cuts only 4 ring edges.
    assert partition_summary(edge_index, parts, 4)["edge_cut"] == 4


def _two_clusters() -> torch.Tensor:
    """Return two random clusters of 100 nodes each, joined by the edge 0 -> 150."""
    g = torch.Generator().manual_seed(0)
    first = torch.randint(0, 100, (2, 400), generator=g)
    second = torch.randint(100, 200, (2, 400), generator=g)
    return torch.cat([first, second, torch.tensor([[0], [150]])], 1)


def test_metis_spreads_training_nodes():
    # Two random clusters joined by one edge; all training nodes sit in the first.
    edge_index = _two_clusters()
    train = torch.zeros(200, dtype=torch.bool)
    train[:40] = True
    plain = partition_nodes(edge_index, 200, 2, "metis")
    assert sorted(torch.bincount(plain[train], minlength=2).tolist()) == [0, 40]
    parts = partition_nodes(edge_index, 200, 2, "metis", train_mask=train)
    per_part = torch.bincount(parts[train], minlength=2)
    # The share is 20 with a 3 % tolerance, so each part must hold between ceil(19.4)
    # and floor(20.6) training nodes, which is exactly 20.
    assert per_part.tolist() == [20, 20]
    # Swaps keep the node counts METIS chose.
    assert torch.equal(
        torch.bincount(parts, minlength=2), torch.bincount(plain, minlength=2)
    )


def test_metis_spreads_training_nodes_of_any_split():
    # A [N, 2] mask: split 0 trains on no node and split 1 on the first 40 nodes. A node
    # that trains in any split counts.
    edge_index = _two_clusters()
    train = torch.zeros(200, 2, dtype=torch.bool)
    train[:40, 1] = True
    parts = partition_nodes(edge_index, 200, 2, "metis", train_mask=train)
    assert torch.bincount(parts[train[:, 1]], minlength=2).tolist() == [20, 20]


def test_training_swap_picks_best_gain_nodes():
    # Path 0-1-2-3-4-5 is split [0 0 0 | 1 1 1], and both training nodes 0 and 1 are in
    # part 0.
    indptr = np.array([0, 1, 3, 5, 7, 9, 10])
    indices = np.array([1, 0, 2, 1, 3, 2, 4, 3, 5, 4])
    parts = np.array([0, 0, 0, 1, 1, 1])
    train = np.array([True, True, False, False, False, False])
    out = balance_training_nodes(indptr, indices, parts, train, 2)
    # Moving to the other side gains -1 for node 0 and -2 for node 1, so node 0 moves.
    # It gains 0 for node 3, -1 for node 5 and -2 for node 4, so node 3 moves.
    assert out.tolist() == [1, 0, 0, 0, 1, 1]
    # The input vector is left unchanged.
    assert parts.tolist() == [0, 0, 0, 1, 1, 1]


def test_training_swap_keeps_fractional_share(caplog):
    # Path 0-1-2-3-4-5 is split [0 0 0 | 1 1 1] with training nodes 0, 1 and 3, so the
    # counts are [2, 1]. The share is 1.5, so 1 and 2 training nodes per part are both
    # within the bounds floor(1.5) and ceil(1.5), and no swap may happen.
    indptr = np.array([0, 1, 3, 5, 7, 9, 10])
    indices = np.array([1, 0, 2, 1, 3, 2, 4, 3, 5, 4])
    parts = np.array([0, 0, 0, 1, 1, 1])
    train = np.array([True, True, False, True, False, False])
    with caplog.at_level("WARNING", logger="graphkit.distributed.balance"):
        out = balance_training_nodes(indptr, indices, parts, train, 2)
    assert out.tolist() == [0, 0, 0, 1, 1, 1]
    assert caplog.text == ""


def test_training_swap_rejects_negative_tolerance():
    parts = np.array([0, 1])
    train = np.array([True, False])
    indptr, indices = np.array([0, 0, 0]), np.array([], dtype=np.int64)
    with pytest.raises(ValueError, match="tolerance must be non-negative, got -0.1"):
        balance_training_nodes(indptr, indices, parts, train, 2, tol=-0.1)


def _three_parts_with_training(counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Return 3 parts of 30 nodes without edges and ``counts`` training nodes per part."""
    parts = np.repeat(np.arange(3), 30)
    train = np.zeros(90, dtype=bool)
    for part, count in enumerate(counts):
        train[part * 30 : part * 30 + count] = True
    return parts, train


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # The share is 20 and tol = 0.1 allows 18 to 22 training nodes per part.
        ([22, 20, 18], [22, 20, 18]),  # on both bounds: no swap
        ([23, 19, 18], [21, 19, 20]),  # 1 above: 2 nodes move to the part with fewest
        ([21, 22, 17], [21, 20, 19]),  # 1 below: 2 nodes come from the part with most
    ],
)
def test_training_swap_tolerance_bounds(counts, expected):
    parts, train = _three_parts_with_training(counts)
    indptr, indices = np.zeros(91, dtype=np.int64), np.array([], dtype=np.int64)
    out = balance_training_nodes(indptr, indices, parts, train, 3, tol=0.1)
    assert np.bincount(out[train], minlength=3).tolist() == expected
    assert np.bincount(out, minlength=3).tolist() == [30, 30, 30]


def test_training_swap_skips_empty_partition():
    # Path 0-1-...-6 is split [0 0 0 0 | - | 2 2 2]. Partition 1 is empty, so it has the
    # fewest training nodes but no node to swap. Partition 2 must receive one instead.
    indptr = np.array([0, 1, 3, 5, 7, 9, 11, 12])
    indices = np.array([1, 0, 2, 1, 3, 2, 4, 3, 5, 4, 6, 5])
    parts = np.array([0, 0, 0, 0, 2, 2, 2])
    train = np.array([True, True, False, False, False, False, False])
    out = balance_training_nodes(indptr, indices, parts, train, 3)
    assert np.bincount(out[train], minlength=3).tolist() == [1, 0, 1]
    assert np.bincount(out, minlength=3).tolist() == [4, 0, 3]


def test_unknown_method_rejected():
    with pytest.raises(ValueError, match="partition method must be one of"):
        partition_nodes(EDGES, 6, 2, "spectral")


def test_files_round_trip(tmp_path):
    data = tiny_data()
    meta = write_partitions(data, PARTS, 2, tmp_path, {"dataset": "tiny"})
    stored = json.loads((tmp_path / "meta.json").read_text())
    assert stored == meta
    assert meta["num_parts"] == 2 and meta["num_nodes"] == 6 and meta["num_edges"] == 8
    assert meta["node_ranges"] == [0, 3, 6]
    assert meta["edge_cut"] == 5 and meta["halo_sizes"] == [3, 2]
    assert [f["name"] for f in meta["files"]] == ["part-0000.pt", "part-0001.pt"]
    expected = dict(partition_payloads(data, PARTS, 2))
    for rank in range(2):
        loaded = load_partition(tmp_path, rank, 2)
        assert sorted(loaded) == sorted(expected[rank])
        for key, want in expected[rank].items():
            got = loaded[key]
            if key == "edges":
                assert len(got) == len(want)
                for got_block, want_block in zip(got, want):
                    assert torch.equal(got_block, want_block)
            elif isinstance(want, torch.Tensor):
                assert torch.equal(got, want), key
            else:
                assert got == want, key


def test_interrupted_rewrite_keeps_old_set(tmp_path, monkeypatch):
    from graphkit.distributed import files

    data = tiny_data()
    write_partitions(data, PARTS, 2, tmp_path)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    def first_then_fail(*args, **kwargs):
        yield next(partition_payloads(*args, **kwargs))
        raise KeyboardInterrupt

    # A second write stops after its first file, which went to a temporary folder,
    # so the old set stays complete and nothing else is left.
    monkeypatch.setattr(files, "partition_payloads", first_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_partitions(data, torch.tensor([0, 0, 0, 1, 1, 1]), 2, tmp_path)
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert after == before
