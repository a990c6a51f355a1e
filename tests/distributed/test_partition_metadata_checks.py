"""meta.json with a byte-order mark loads, and one without its entries is named.

A partition file copied in from another graph's folder is named with both graphs.
"""

import json

import pytest
import torch
from graphkit.distributed.files import (
    PartitionFileError,
    load_partition,
    read_metadata,
    write_partitions,
)
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


def test_byte_order_mark_accepted(folder):
    path = folder / "meta.json"
    text = path.read_text().replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert read_metadata(folder)["num_parts"] == 2
    payload = load_partition(folder, 1, 2)
    assert payload["global_ids"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda meta: [1, 2], "it contains a JSON list, not an object"),
        (
            lambda meta: {k: v for k, v in meta.items() if k != "files"},
            "lacks the entries files",
        ),
        (
            lambda meta: {**meta, "num_parts": "2"},
            "num_parts is '2', not a positive integer",
        ),
        (
            lambda meta: {**meta, "num_parts": 0},
            "num_parts is 0, not a positive integer",
        ),
        (lambda meta: {**meta, "files": {}}, "files is a JSON dict, not a list"),
        (
            lambda meta: {**meta, "files": [{"name": "part-0000.pt"}] * 2},
            "an entry of files lacks its name or sha256",
        ),
    ],
    ids=[
        "list",
        "no-files",
        "text-parts",
        "zero-parts",
        "files-dict",
        "no-sha",
    ],
)
def test_malformed_metadata_named(folder, change, problem):
    _rewrite(folder, change)
    with pytest.raises(
        PartitionFileError, match="meta.json is not a graphkit partition"
    ) as error:
        load_partition(folder, 0, 2)
    assert problem in str(error.value)


def test_swapped_file_entries_rejected(folder):
    # Each entry keeps its file's checksum, so only the rank stored in the file
    # shows that rank 0 would load partition 1.
    _rewrite(folder, lambda meta: {**meta, "files": meta["files"][::-1]})
    with pytest.raises(
        PartitionFileError, match=r"part-0001.pt contains partition 1, expected 0"
    ):
        load_partition(folder, 0, 2)


def test_file_of_other_graph_named(folder, tmp_path_factory):
    # A partition file copied in from the folder of a 6-node graph fails its checksum,
    # and the error names both graphs rather than only calling the file corrupted.
    other = tmp_path_factory.mktemp("other")
    data = Data(edge_index=torch.tensor([[0, 1, 2], [1, 2, 0]]), num_nodes=6)
    write_partitions(data, torch.tensor([0, 0, 0, 1, 1, 1]), 2, other)
    (folder / "part-0001.pt").write_bytes((other / "part-0001.pt").read_bytes())
    with pytest.raises(PartitionFileError) as error:
        load_partition(folder, 1, 2)
    message = str(error.value)
    assert "part-0001.pt belongs to a graph of 6 nodes in 2 partitions" in message
    assert "meta.json describes 4 nodes in 2 partitions" in message
    assert "re-run graphkit partition into an empty folder" in message
