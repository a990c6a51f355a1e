"""meta.json edited by hand: conflicting num_parts, files and node_ranges are named.

Checksums written in upper case match the file as lower-case ones do.
"""

import json
import os

import pytest
import torch
from graphkit.distributed.files import (
    PartitionFileError,
    load_partition,
    partitioning_id,
    read_metadata,
    write_partitions,
)
from graphkit.distributed.source import file_change, file_record
from torch_geometric.data import Data


@pytest.fixture
def folder(tmp_path):
    data = Data(
        x=torch.arange(8.0).view(4, 2),
        edge_index=torch.tensor([[0, 1, 2, 3], [1, 2, 3, 0]]),
        num_nodes=4,
    )
    write_partitions(data, torch.tensor([0, 0, 1, 1]), 2, tmp_path)
    return tmp_path


def _rewrite(folder, change) -> None:
    path = folder / "meta.json"
    meta = json.loads(path.read_text())
    path.write_text(json.dumps(change(meta)))


def test_one_part_edit_names_node_ranges(folder):
    # num_parts lowered to 1 with one files entry, node_ranges left as written.
    _rewrite(folder, lambda meta: {**meta, "num_parts": 1, "files": meta["files"][:1]})
    with pytest.raises(PartitionFileError) as error:
        load_partition(folder, 0, 1)
    message = str(error.value)
    assert message.startswith(f"{folder / 'meta.json'} is inconsistent: ")
    assert (
        "num_parts is 1, but node_ranges [0, 2, 4] has 3 entries, which describe "
        "2 partitions (2 entries expected)" in message
    )
    assert "re-run graphkit partition --parts N into an empty folder" in message


def test_files_count_conflict_named(folder):
    _rewrite(folder, lambda meta: {**meta, "num_parts": 1})
    with pytest.raises(PartitionFileError) as error:
        read_metadata(folder)
    message = str(error.value)
    assert f"{folder / 'meta.json'} is inconsistent" in message
    assert "num_parts is 1, but files lists 2 entries" in message


def test_num_nodes_conflict_named(folder):
    _rewrite(folder, lambda meta: {**meta, "num_nodes": 5})
    with pytest.raises(PartitionFileError) as error:
        read_metadata(folder)
    assert "num_nodes is 5, but node_ranges [0, 2, 4] ends at 4" in str(error.value)


def test_long_node_ranges_shortened(folder):
    ranges = list(range(0, 40, 4))
    _rewrite(folder, lambda meta: {**meta, "node_ranges": ranges})
    with pytest.raises(PartitionFileError) as error:
        read_metadata(folder)
    assert (
        "node_ranges [0, 4, 8, 12, 16, 20, ..., 32, 36] has 10 entries"
        in str(error.value)
    )


def test_ranges_edited_with_parts_named(folder):
    # meta.json agrees with itself, so only the partition file shows the edit.
    _rewrite(
        folder,
        lambda meta: {
            **meta,
            "num_parts": 1,
            "files": meta["files"][:1],
            "node_ranges": [0, 4],
        },
    )
    with pytest.raises(PartitionFileError) as error:
        load_partition(folder, 0, 1)
    message = str(error.value)
    assert (
        f"{folder / 'meta.json'} describes num_parts 1 with node_ranges [0, 4], but "
        f"partition file {folder / 'part-0000.pt'} was written for num_parts 2 with "
        "node_ranges [0, 2, 4]"
    ) in message
    assert "re-run graphkit partition --parts N" in message


def test_upper_case_checksum_accepted(folder):
    before = partitioning_id(read_metadata(folder))

    def upper(meta):
        for entry in meta["files"]:
            entry["sha256"] = entry["sha256"].upper()
        return meta

    _rewrite(folder, upper)
    payload = load_partition(folder, 1, 2)
    assert payload["global_ids"].tolist() == [2, 3]
    assert partitioning_id(read_metadata(folder)) == before


def test_upper_case_source_checksum_unchanged(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_bytes(b"0 1\n")
    record = file_record("edge list", path)
    record.update(mtime_ns=0, sha256=record["sha256"].upper())
    os.utime(path, ns=(0, 86_400 * 10**9))
    assert file_change(record, path) is None
