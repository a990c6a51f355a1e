"""meta.json edited by hand loads with a byte-order mark, and bad entries are named.

A partition file copied in from another graph's folder is named with both graphs.
Conflicting num_parts, files and node_ranges are named, and checksums written in
upper case match the file as lower-case ones do.
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


def _rename_first_file(meta: dict, name: str) -> dict:
    files = [dict(entry) for entry in meta["files"]]
    files[0]["name"] = name
    return {**meta, "files": files}


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
        (
            lambda meta: {**meta, "num_nodes": None},
            "num_nodes is None, not an integer >= 0",
        ),
        (
            lambda meta: {**meta, "num_nodes": "4"},
            "num_nodes is '4', not an integer >= 0",
        ),
        (
            lambda meta: {**meta, "num_nodes": -4},
            "num_nodes is -4, not an integer >= 0",
        ),
        (
            lambda meta: _rename_first_file(meta, "../part-0000.pt"),
            "an entry of files is named '../part-0000.pt', not a file name in the "
            "folder",
        ),
        (
            lambda meta: _rename_first_file(meta, "/etc/hostname"),
            "an entry of files is named '/etc/hostname', not a file name in the folder",
        ),
        (
            lambda meta: _rename_first_file(meta, ".."),
            "an entry of files is named '..', not a file name in the folder",
        ),
    ],
    ids=[
        "list",
        "no-files",
        "text-parts",
        "zero-parts",
        "files-dict",
        "no-sha",
        "null-nodes",
        "text-nodes",
        "negative-nodes",
        "parent-folder-name",
        "absolute-name",
        "dot-dot-name",
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


@pytest.mark.parametrize(
    ("change", "conflict"),
    [
        (
            lambda meta: {**meta, "num_parts": 1},
            "num_parts is 1, but files lists 2 entries",
        ),
        (
            lambda meta: {**meta, "files": meta["files"][:1]},
            "num_parts is 2, but files lists 1 entry",
        ),
    ],
    ids=["fewer-parts", "fewer-files"],
)
def test_files_count_conflict_named(folder, change, conflict):
    _rewrite(folder, change)
    with pytest.raises(PartitionFileError) as error:
        read_metadata(folder)
    message = str(error.value)
    assert f"{folder / 'meta.json'} is inconsistent" in message
    assert conflict in message


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


def test_non_string_checksum_rejected(folder):
    def number(meta):
        meta["files"][0]["sha256"] = 123
        return meta

    _rewrite(folder, number)
    with pytest.raises(PartitionFileError) as caught:
        load_partition(folder, 0, 2)
    message = str(caught.value)
    assert "an entry of files has a name or sha256 that is not a JSON string" in message
    assert str(folder / "meta.json") in message


def test_meta_json_folder_rejected(folder):
    (folder / "meta.json").unlink()
    (folder / "meta.json").mkdir()
    with pytest.raises(PartitionFileError) as error:
        read_metadata(folder)
    message = str(error.value)
    assert message.startswith(f"{folder / 'meta.json'} is a folder, not a file")
    assert "not found" not in message


def test_partition_file_folder_rejected(folder):
    (folder / "part-0001.pt").unlink()
    (folder / "part-0001.pt").mkdir()
    with pytest.raises(PartitionFileError) as error:
        load_partition(folder, 1, 2)
    assert str(error.value) == (
        f"partition file {folder / 'part-0001.pt'} is a folder, not a file. Re-run "
        "graphkit partition"
    )
