"""Client splits: inputs that cannot give every client its samples or classes."""

import numpy as np
import pytest
from graphkit.extras.federated.partition import iid_split, pathological_split


def test_class_smaller_than_shard_count_rejected():
    # 4 clients with 1 class each need 4 shards, 2 per class. Each class has only 1
    # sample, so two clients would get no samples at all.
    with pytest.raises(ValueError, match="class 0 has 1 samples but needs 2 shards"):
        pathological_split(np.array([0, 1]), 4, 1, seed=0)


def test_one_sample_per_shard_accepted():
    parts = pathological_split(np.array([0, 0, 1, 1]), 4, 1, seed=0)
    assert sorted(len(part) for part in parts) == [1, 1, 1, 1]
    assert sorted(np.concatenate(parts).tolist()) == [0, 1, 2, 3]


@pytest.mark.parametrize("clients, classes", [(0, 2), (2, 0)])
def test_zero_counts_rejected(clients, classes):
    with pytest.raises(ValueError, match=f"num_clients={clients} and "):
        pathological_split(np.array([0, 0, 1, 1]), clients, classes, seed=0)


def test_empty_labels_rejected():
    with pytest.raises(ValueError, match="labels is empty"):
        pathological_split(np.array([], dtype=np.int64), 2, 1, seed=0)


@pytest.mark.parametrize("clients", [0, 4])
def test_iid_split_client_count_rejected(clients):
    # With 4 clients and 3 samples, np.array_split would leave one client empty.
    with pytest.raises(ValueError, match=f"invalid num_clients={clients}"):
        iid_split(3, clients, seed=0)


def test_iid_split_one_sample_per_client():
    parts = iid_split(3, 3, seed=0)
    assert sorted(part.tolist() for part in parts) == [[0], [1], [2]]
