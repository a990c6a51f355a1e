"""write_partitions leaves the folder as it was when writing fails midway.

Earlier versions wrote into the folder in place. An error after the first file then
deleted the old meta.json and replaced part-0000.pt, which lost the earlier partition
set.
"""

import pytest
import torch
from graphkit.distributed import files
from graphkit.distributed.files import load_partition, read_metadata, write_partitions
from torch_geometric.data import Data


def _ring(num_nodes: int) -> Data:
    nodes = torch.arange(num_nodes)
    edge_index = torch.stack([nodes, nodes.roll(1)])
    return Data(x=nodes.float().view(-1, 1), edge_index=edge_index, num_nodes=num_nodes)


def _contents(folder) -> dict:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _fail_on_second_save(monkeypatch, error: BaseException) -> None:
    save = torch.save
    calls = []

    def failing_save(payload, path):
        calls.append(path)
        if len(calls) == 2:
            raise error
        save(payload, path)

    monkeypatch.setattr(files.torch, "save", failing_save)


@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), KeyboardInterrupt()]
)
def test_failed_write_keeps_old_partitions(tmp_path, monkeypatch, error):
    write_partitions(_ring(4), torch.tensor([0, 0, 1, 1]), 2, tmp_path)
    (tmp_path / "notes.txt").write_text("kept")
    before = _contents(tmp_path)
    _fail_on_second_save(monkeypatch, error)
    with pytest.raises(type(error)):
        write_partitions(_ring(6), torch.tensor([0, 0, 0, 1, 1, 1]), 2, tmp_path)
    # No file changed and no temporary folder is left.
    assert _contents(tmp_path) == before
    assert read_metadata(tmp_path)["num_nodes"] == 4
    assert load_partition(tmp_path, 1, 2)["global_ids"].tolist() == [2, 3]


def test_write_replaces_old_partitions(tmp_path):
    write_partitions(_ring(4), torch.tensor([0, 0, 1, 1]), 2, tmp_path)
    (tmp_path / "notes.txt").write_text("kept")
    meta = write_partitions(_ring(6), torch.tensor([0, 0, 0, 1, 1, 1]), 2, tmp_path)
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["meta.json", "notes.txt", "part-0000.pt", "part-0001.pt"]
    assert read_metadata(tmp_path) == meta
    assert meta["num_nodes"] == 6
    assert load_partition(tmp_path, 1, 2)["global_ids"].tolist() == [3, 4, 5]
    assert (tmp_path / "notes.txt").read_text() == "kept"
