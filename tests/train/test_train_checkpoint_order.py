"""--resume auto picks the checkpoint with the highest epoch number."""

from graphkit.train.checkpoint import (
    checkpoints_by_epoch,
    latest_checkpoint,
    load_latest_checkpoint,
    save_checkpoint,
)

GRAPH = {"num_nodes": 3, "num_edges": 2, "num_parts": 1}


def _write(folder, name, epoch):
    save_checkpoint({"epoch": epoch, "graph": GRAPH}, folder / name)


def test_seven_digit_epoch_is_newest(tmp_path):
    _write(tmp_path, "checkpoint_999999.pt", 999999)
    _write(tmp_path, "checkpoint_1000000.pt", 1000000)
    assert latest_checkpoint(tmp_path).name == "checkpoint_1000000.pt"
    path, state = load_latest_checkpoint(tmp_path, GRAPH)
    assert path.name == "checkpoint_1000000.pt"
    assert state["epoch"] == 1000000


def test_other_checkpoint_names_ignored(tmp_path):
    _write(tmp_path, "checkpoint_000010.pt", 10)
    _write(tmp_path, "checkpoint_000010_copy.pt", 99)
    _write(tmp_path, "checkpoint_best.pt", 98)
    _write(tmp_path, "checkpoint_000002.pt", 2)
    names = [path.name for path in checkpoints_by_epoch(tmp_path)]
    assert names == ["checkpoint_000002.pt", "checkpoint_000010.pt"]
    assert load_latest_checkpoint(tmp_path, GRAPH)[1]["epoch"] == 10


def test_no_checkpoint_gives_none(tmp_path):
    _write(tmp_path, "checkpoint_old.pt", 5)
    assert latest_checkpoint(tmp_path) is None
    assert load_latest_checkpoint(tmp_path, GRAPH) is None


def test_folder_named_checkpoint_ignored(tmp_path):
    _write(tmp_path, "checkpoint_000002.pt", 2)
    (tmp_path / "checkpoint_000009.pt").mkdir()
    names = [path.name for path in checkpoints_by_epoch(tmp_path)]
    assert names == ["checkpoint_000002.pt"]
