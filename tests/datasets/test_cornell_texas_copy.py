"""Loading the Geom-GCN cornell warns when its node file is the Texas one."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from graphkit.datasets import load_dataset

WARNING = "is a copy of the Texas node file"


def add_cornell_copy(root: Path) -> Path:
    """Copy the tiny ``webkb/texas`` folder to ``webkb/cornell`` and return the node file."""
    raw = root / "webkb" / "cornell" / "raw"
    shutil.copytree(root / "webkb" / "texas" / "raw", raw)
    for split_file in raw.glob("texas_split_*.npz"):
        split_file.rename(raw / split_file.name.replace("texas", "cornell"))
    return raw / "out1_node_feature_label.txt"


def test_copied_node_file_warns(tiny_webkb, caplog):
    add_cornell_copy(tiny_webkb)  # the same node file, byte for byte
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets"):
        data = load_dataset("cornell", root=tiny_webkb)
    assert data.num_nodes == 4
    messages = [record.getMessage() for record in caplog.records]
    assert any(WARNING in message for message in messages)
    assert any("source='yandex'" in message for message in messages)


def test_own_node_file_does_not_warn(tiny_webkb, caplog):
    node_file = add_cornell_copy(tiny_webkb)
    # Node 3 gets label 1 instead of 0, so the file is no longer Texas's.
    node_file.write_text(node_file.read_text().replace("3\t1,1,0\t0", "3\t1,1,0\t1"))
    assert "3\t1,1,0\t1" in node_file.read_text()
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets"):
        load_dataset("cornell", root=tiny_webkb)
    assert not any(WARNING in record.getMessage() for record in caplog.records)


@pytest.mark.realdata
def test_shared_cornell_warns(shared_data, caplog):
    """The shared copy is the Geom-GCN release, whose Cornell node file is Texas's."""
    with caplog.at_level(logging.WARNING, logger="graphkit.datasets"):
        load_dataset("cornell", root=shared_data / "graphs")
        load_dataset("texas", root=shared_data / "graphs")
    warnings = [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert len(warnings) == 1
