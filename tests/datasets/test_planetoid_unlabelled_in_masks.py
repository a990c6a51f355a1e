"""Loading Geom-GCN CiteSeer masks that contain unlabelled nodes logs their ids."""

from __future__ import annotations

import logging

import pytest

from graphkit.datasets import load_dataset

pytestmark = pytest.mark.realdata

# The 15 CiteSeer ids inside the test-id range that ind.citeseer.test.index leaves out.
UNLABELLED = [2407, 2489, 2553, 2682, 2781, 2953, 3042, 3063, 3212, 3214, 3250, 3292]
UNLABELLED += [3305, 3306, 3309]
WARNING = "nodes without a Planetoid label are in the split masks"


def load_warnings(caplog, name, root, split):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets"):
        data = load_dataset(name, root=root, split=split, features=False)
    return data, [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]


def test_citeseer_split_four_counts(shared_data, caplog):
    data, messages = load_warnings(caplog, "citeseer", shared_data / "graphs", 4)
    assert len(messages) == 1
    assert "10 of the 15 nodes" in messages[0]
    assert "(8 in train_mask, 2 in val_mask, 0 in test_mask" in messages[0]
    assert str(UNLABELLED) in messages[0]
    # As in PyG, the loader gives these nodes the placeholder label 0.
    assert data.y[UNLABELLED].tolist() == [0] * 15


def test_citeseer_all_splits_counts(shared_data, caplog):
    _, messages = load_warnings(caplog, "citeseer", shared_data / "graphs", "geom-gcn")
    assert len(messages) == 1
    assert "15 of the 15 nodes" in messages[0]
    assert "(75 in train_mask, 43 in val_mask, 22 in test_mask" in messages[0]


@pytest.mark.parametrize("name, split", [("citeseer", None), ("cora", 4)])
def test_no_warning_without_such_nodes(shared_data, caplog, name, split):
    _, messages = load_warnings(caplog, name, shared_data / "graphs", split)
    assert messages == []
